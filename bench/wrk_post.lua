-- POST /v1/documents: one new ~150-word article per request, unique ids per
-- thread; one in four re-posts an earlier text under a new id (a copy, so
-- matching and family updates are part of the load).
local words = {}
for w in ("the minister said on monday that talks with officials would resume next week " ..
          "after weeks of tension over trade tariffs energy prices and border security while " ..
          "analysts warned that markets could react sharply if negotiations stalled again " ..
          "according to reports from the capital the delegation includes senior advisers"):gmatch("%S+") do
  words[#words + 1] = w
end

local counter = 0
local threads = 0
function setup(thread)
  threads = threads + 1
  thread:set("tid", threads)
end

local texts = {}
local function article()
  local out = {}
  for s = 1, 10 do
    local sentence = {}
    for i = 1, 15 do
      sentence[#sentence + 1] = words[math.random(#words)] .. (math.random(6) == 1 and tostring(math.random(999)) or "")
    end
    out[#out + 1] = table.concat(sentence, " ") .. "."
  end
  return table.concat(out, " ")
end

function init(args)
  math.randomseed(tid * 7919 + os.time())
end

request = function()
  counter = counter + 1
  local text
  if #texts > 0 and counter % 4 == 0 then
    text = texts[math.random(#texts)]
  else
    text = article()
    if #texts < 200 then texts[#texts + 1] = text end
  end
  local id = string.format("wrk-%d-%d-%d", tid, os.time(), counter)
  local body = '{"id":"' .. id .. '","text":"' .. text .. '"}'
  return wrk.format("POST", "/v1/documents", { ["Content-Type"] = "application/json" }, body)
end
