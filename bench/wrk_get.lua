-- GET /v1/documents/d<N>?text=false for random N below DOCS (ids of make_corpus.py).
local docs = tonumber(os.getenv("DOCS") or "1000")
math.randomseed(7)
request = function()
  return wrk.format("GET", "/v1/documents/d" .. math.random(0, docs - 1) .. "?text=false")
end
