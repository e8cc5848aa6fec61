//! The HTTP API against a real server on a loopback port.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{enc, get, post_json, request, start};
use serde_json::{json, Value};
use std::time::Duration;

#[test]
fn seeds_posted_one_by_one_are_matched_stored_and_browsable() {
    let srv = start(|_| {});
    let seeds = common::seeds();
    let mut pairs = Vec::new();
    for s in &seeds {
        let r = post_json(srv.addr, "/v1/documents", s);
        assert_eq!(r.status, 201, "{}", r.text());
        let added = r.json();
        assert_eq!(added["id"], s["id"]);
        pairs.extend(added["pairs"].as_array().unwrap().iter().cloned());
    }
    // 000 (a spun rewrite) and 001 (a piece quoting it) reuse the BBC report 002.
    assert_eq!(pairs.len(), 2, "{pairs:?}");
    assert!(pairs
        .iter()
        .all(|p| p["relation"] == "reuse" && p["b"] == seeds[2]["id"]));
    // A republished copy of 002 joins it in a family.
    let copy_doc = json!({"id": "republished", "text": format!("{}\nRepublished with permission.", seeds[2]["text"].as_str().unwrap())});
    let added = post_json(srv.addr, "/v1/documents", &copy_doc).json();
    assert!(added["family"].is_string(), "{added}");
    let copy = added["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["a"] == seeds[2]["id"])
        .unwrap()
        .clone();
    assert!(
        copy["relation"] == "duplicate" || copy["relation"] == "near_duplicate",
        "{copy}"
    );
    let (a, b) = (copy["a"].as_str().unwrap(), copy["b"].as_str().unwrap());

    let doc = get(srv.addr, &format!("/v1/documents/{}", enc(a))).json();
    assert_eq!(doc["id"], a);
    assert!(doc["text"].as_str().unwrap().len() > 1000);
    assert!(
        get(srv.addr, &format!("/v1/documents/{}?text=false", enc(a)))
            .json()
            .get("text")
            .is_none()
    );
    let family = doc["family"].as_str().unwrap().to_string();

    let m = get(srv.addr, &format!("/v1/documents/{}/matches", enc(b))).json();
    assert!(m["pairs"].as_array().unwrap().iter().any(|p| p["a"] == a));

    let fam = get(srv.addr, &format!("/v1/families/{family}")).json();
    assert!(fam["members"].as_array().unwrap().iter().any(|x| x == a));
    assert!(!fam["pairs"].as_array().unwrap().is_empty());
    let families = get(srv.addr, "/v1/families").json();
    assert!(families["families"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["id"] == family.as_str()));

    // Stories: the copies and the seeds that quote the BBC report are one.
    let stories = get(srv.addr, "/v1/stories").json();
    assert!(stories["note"].as_str().unwrap().contains("one event"));
    let with_a: Vec<&serde_json::Value> = stories["stories"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["members"].as_array().unwrap().iter().any(|x| x == a))
        .collect();
    assert_eq!(with_a.len(), 1, "{stories}");
    let id = with_a[0]["id"].as_str().unwrap();
    assert!(id.starts_with("s-"));
    let story = get(srv.addr, &format!("/v1/stories/{id}")).json();
    assert!(story["members"].as_array().unwrap().len() >= 3, "{story}");
    assert!(!story["pairs"].as_array().unwrap().is_empty());
    // The detail: derivations with their clues, the original, the claims.
    assert_eq!(story["original"], seeds[2]["id"], "{story}");
    let edges = story["edges"].as_array().unwrap();
    let quoted = edges
        .iter()
        .find(|e| e["from"] == seeds[2]["id"] && e["to"] == seeds[1]["id"])
        .expect("the piece quoting the BBC report derives from it");
    assert_eq!(quoted["evidence"][0]["kind"], "attribution", "{quoted}");
    assert!(edges
        .iter()
        .all(|e| !e["evidence"].as_array().unwrap().is_empty()));
    let claims = story["claims"].as_array().unwrap();
    assert!(claims.iter().any(|c| c["documents"].as_u64().unwrap() >= 2));

    let c = get(srv.addr, &format!("/v1/compare?a={}&b={}", enc(a), enc(b))).json();
    assert_eq!(c["relation"], copy["relation"]);
    assert_eq!(c["passages"], copy["passages"]);
    assert!(c["a"]["text"].is_string() && c["b"]["text"].is_string());

    let feed = get(srv.addr, "/v1/documents?limit=3").json();
    let items = feed["items"].as_array().unwrap();
    assert_eq!(items.len(), 3);
    assert_eq!(items[0]["document"]["id"], "republished", "newest first");

    let q = post_json(
        srv.addr,
        "/v1/query",
        &json!({"id": "probe", "text": seeds[2]["text"]}),
    )
    .json();
    assert!(q["results"][0]["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p["relation"] == "duplicate"));
    assert_eq!(
        get(srv.addr, "/healthz").json(),
        json!({"status": "ok", "documents": 6})
    );

    let metrics = get(srv.addr, "/metrics");
    assert!(metrics
        .header("content-type")
        .unwrap()
        .starts_with("text/plain"));
    let text = metrics.text();
    assert!(text.contains("unspun_documents_added_total 6"), "{text}");
    assert!(text.contains("unspun_index_documents 6"));
    assert!(text.contains("route=\"/v1/documents\",method=\"POST\",status=\"201\"} 6"));
    assert!(text.contains("unspun_add_seconds_count 6"));
}

#[test]
fn arrays_are_added_in_one_go_with_per_document_results() {
    let srv = start(|_| {});
    let seeds = common::seeds();
    let mut batch: Vec<Value> = seeds.clone();
    batch.push(seeds[0].clone()); // same id again
    batch.push(json!({"id": "dated", "text": "Some words here for a text.", "date": "2023/03/20 10:00", "url": "https://www.example.com/x"}));
    let r = post_json(srv.addr, "/v1/documents", &Value::Array(batch));
    assert_eq!(r.status, 200, "{}", r.text());
    let results = r.json()["results"].as_array().unwrap().clone();
    assert_eq!(results.len(), 7);
    assert!(results[..5].iter().all(|x| x["seq"].is_u64()));
    assert_eq!(results[5]["status"], 409);
    assert!(results[5]["error"]
        .as_str()
        .unwrap()
        .contains("already indexed"));
    let dated = get(srv.addr, "/v1/documents/dated").json();
    assert_eq!(
        (dated["date"].as_str(), dated["site"].as_str()),
        (Some("2023-03-20"), Some("example.com"))
    );
}

#[test]
fn the_date_order_of_a_post_reads_day_and_month() {
    let srv = start(|_| {});
    let doc =
        |id: &str| json!({"id": id, "text": "Some words here for a text.", "date": "03/04/2023"});
    for (path, id, want) in [
        ("/v1/documents?date_order=dmy", "uk", "2023-04-03"),
        ("/v1/documents?date_order=mdy", "us", "2023-03-04"),
    ] {
        let r = post_json(srv.addr, path, &doc(id));
        assert_eq!(r.status, 201, "{}", r.text());
        let stored = get(srv.addr, &format!("/v1/documents/{id}")).json();
        assert_eq!(stored["date"].as_str(), Some(want), "{path}");
    }
    // Only one order makes 17/03/2023 a date: no order needed.
    let r = post_json(
        srv.addr,
        "/v1/documents",
        &json!({"id": "plain", "text": "Other words for a text.", "date": "17/03/2023"}),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    let stored = get(srv.addr, "/v1/documents/plain").json();
    assert_eq!(stored["date"].as_str(), Some("2023-03-17"));
    let r = post_json(srv.addr, "/v1/query?date_order=mdy", &doc("q"));
    assert_eq!(r.status, 200, "{}", r.text());
}

/// A batch sent gzipped or zstd-compressed (`Content-Encoding`) is read as
/// the JSON it holds; the body limit applies once decompressed.
#[test]
fn compressed_bodies_are_read_by_their_content_encoding() {
    use std::io::Write;
    let srv = start(|c| c.body_limit = 64 << 10);
    let batch = json!([
        {"id": "gz-1", "text": "The council approved the tram line extension on Tuesday."},
        {"id": "gz-2", "text": "Work on the new tram stops starts in the spring, the council said."}
    ])
    .to_string();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(batch.as_bytes()).unwrap();
    let gzipped = gz.finish().unwrap();
    let gzip = [
        ("Content-Type", "application/json"),
        ("Content-Encoding", "gzip"),
    ];
    let r = request(srv.addr, "POST", "/v1/documents", &gzip, Some(&gzipped));
    assert_eq!(r.status, 200, "{}", r.text());
    let stored = get(srv.addr, "/v1/documents/gz-2").json();
    assert!(stored["text"]
        .as_str()
        .unwrap()
        .starts_with("Work on the new tram"));

    let query =
        json!({"id": "q", "text": "The council approved the tram line extension on Tuesday."});
    let packed = ruzstd::encoding::compress_to_vec(
        query.to_string().as_bytes(),
        ruzstd::encoding::CompressionLevel::Fastest,
    );
    let zstd = [
        ("Content-Type", "application/json"),
        ("Content-Encoding", "zstd"),
    ];
    let r = request(srv.addr, "POST", "/v1/query", &zstd, Some(&packed));
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r.text().contains("gz-1"), "{}", r.text());

    let plain = query.to_string();
    let r = request(srv.addr, "POST", "/v1/query", &gzip, Some(plain.as_bytes()));
    assert_eq!(r.status, 400, "{}", r.text());
    assert!(
        r.text().contains("cannot decompress the body"),
        "{}",
        r.text()
    );
    let brotli = [("Content-Encoding", "br")];
    let r = request(
        srv.addr,
        "POST",
        "/v1/query",
        &brotli,
        Some(plain.as_bytes()),
    );
    assert_eq!(r.status, 415, "{}", r.text());
    // 200 kB of text in a few hundred compressed bytes: over the limit.
    let huge = json!({"id": "bomb", "text": "tram ".repeat(40_000)}).to_string();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    gz.write_all(huge.as_bytes()).unwrap();
    let bomb = gz.finish().unwrap();
    assert!(bomb.len() < 64 << 10);
    let r = request(srv.addr, "POST", "/v1/documents", &gzip, Some(&bomb));
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.text().contains("once decompressed"), "{}", r.text());
}

#[test]
fn errors_are_json_with_the_right_status() {
    let srv = start(|c| c.body_limit = 64 << 10);
    let cases: Vec<(common::Resp, u16, &str)> = vec![
        (
            request(srv.addr, "POST", "/v1/documents", &[], Some(b"{not json")),
            400,
            "invalid JSON",
        ),
        (
            post_json(srv.addr, "/v1/documents", &json!({"id": "x"})),
            400,
            "missing field `text`",
        ),
        (
            post_json(
                srv.addr,
                "/v1/documents",
                &json!({"id": "x", "text": "t", "colour": 1}),
            ),
            400,
            "unknown field",
        ),
        (
            post_json(srv.addr, "/v1/documents", &json!([])),
            400,
            "empty array",
        ),
        (
            post_json(srv.addr, "/v1/documents", &json!(7)),
            400,
            "expected a document",
        ),
        (
            post_json(srv.addr, "/v1/documents", &json!({"id": "x", "text": "  "})),
            422,
            "has no text",
        ),
        (
            post_json(
                srv.addr,
                "/v1/documents",
                &json!({"id": "x", "text": "t", "date": "soon"}),
            ),
            400,
            "date `soon` not understood",
        ),
        (
            post_json(
                srv.addr,
                "/v1/documents",
                &json!({"id": "x", "text": "t", "date": "03/04/2023"}),
            ),
            400,
            "could be day or month first",
        ),
        (
            post_json(
                srv.addr,
                "/v1/documents?date_order=ymd",
                &json!({"id": "x", "text": "t"}),
            ),
            400,
            "expected dmy or mdy",
        ),
        (
            post_json(
                srv.addr,
                "/v1/documents",
                &json!({"id": "big", "text": "word ".repeat(20_000)}),
            ),
            413,
            "length limit",
        ),
        (
            get(srv.addr, "/v1/documents/nope"),
            404,
            "no document `nope`",
        ),
        (
            get(srv.addr, "/v1/documents/nope/matches"),
            404,
            "not in the index",
        ),
        (get(srv.addr, "/v1/stories/s-000"), 404, "no story"),
        (get(srv.addr, "/v1/families/f-000"), 404, "no family"),
        (
            get(srv.addr, "/v1/compare?a=x"),
            400,
            "two indexed document ids",
        ),
        (
            get(srv.addr, "/v1/compare?a=x&b=y"),
            404,
            "not in the index",
        ),
        (get(srv.addr, "/v1/documents?limit=many"), 400, ""),
        (get(srv.addr, "/no/such/route"), 404, "no such route"),
        (
            request(srv.addr, "PUT", "/v1/documents", &[], Some(b"{}")),
            405,
            "method not allowed",
        ),
    ];
    for (r, status, needle) in cases {
        assert_eq!(r.status, status, "{}", r.text());
        if needle.is_empty() {
            continue;
        }
        let body = r.json();
        let msg = body["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error field: {body}"));
        assert!(msg.contains(needle), "`{msg}` lacks `{needle}`");
    }
}

#[test]
fn a_token_guards_writes_but_not_reads() {
    let srv = start(|c| c.token = Some("s3cret".into()));
    let doc = json!({"id": "a", "text": "A short article about a harbour opening."}).to_string();
    let r = request(srv.addr, "POST", "/v1/documents", &[], Some(doc.as_bytes()));
    assert_eq!(r.status, 401);
    assert!(r.json()["error"].as_str().unwrap().contains("Bearer"));
    let r = request(
        srv.addr,
        "POST",
        "/v1/documents",
        &[("Authorization", "Bearer wrong!")],
        Some(doc.as_bytes()),
    );
    assert_eq!(r.status, 401);
    let r = request(
        srv.addr,
        "POST",
        "/v1/documents",
        &[("Authorization", "Bearer s3cret")],
        Some(doc.as_bytes()),
    );
    assert_eq!(r.status, 201, "{}", r.text());
    assert_eq!(get(srv.addr, "/v1/documents/a").status, 200);
    assert_eq!(
        request(srv.addr, "DELETE", "/v1/documents/a", &[], None).status,
        401
    );
    let r = request(
        srv.addr,
        "DELETE",
        "/v1/documents/a",
        &[("Authorization", "Bearer s3cret")],
        None,
    );
    assert_eq!(r.json(), json!({"removed": "a"}));
    assert_eq!(get(srv.addr, "/v1/documents/a").status, 404);
}

#[test]
fn requests_past_the_time_limit_get_a_503() {
    let srv = start(|c| c.timeout = Duration::from_nanos(1));
    // Work that takes far longer than the timer's first tick (a millisecond):
    // a short text could be stored before the limit is even checked.
    let text = "Officials said the talks would resume next week in Geneva. ".repeat(60_000);
    let r = post_json(srv.addr, "/v1/documents", &json!({"id": "a", "text": text}));
    assert_eq!(r.status, 503, "{}", r.text());
    assert!(r.json()["error"].as_str().unwrap().contains("longer than"));
}

#[test]
fn the_openapi_document_lists_every_route_and_every_route_answers() {
    let srv = start(|_| {});
    let spec = get(srv.addr, "/openapi.json").json();
    assert_eq!(spec["openapi"], "3.0.3");
    let paths = spec["paths"].as_object().unwrap();
    let mut listed = Vec::new();
    for (path, ops) in paths {
        for method in ops.as_object().unwrap().keys() {
            listed.push((method.to_uppercase(), path.clone()));
        }
    }
    listed.sort();
    let mut routes: Vec<(String, String)> = unspun_server::ROUTES
        .iter()
        .map(|(m, p)| (m.to_string(), p.to_string()))
        .collect();
    routes.sort();
    assert_eq!(listed, routes, "openapi.json and ROUTES disagree");
    // Every route exists on the server: it answers with something other
    // than the fallback's 404 "no such route" or 405.
    for (method, path) in unspun_server::ROUTES {
        let concrete = path.replace("{id}", "x");
        let body = (*method == "POST").then_some(&b"{}"[..]);
        let r = request(srv.addr, method, &concrete, &[], body);
        assert_ne!(r.status, 405, "{method} {path}");
        assert!(
            !r.text().contains("no such route"),
            "{method} {path}: {}",
            r.text()
        );
    }
    // Every $ref resolves.
    let text = spec.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = part.split('"').next().unwrap();
        assert!(
            spec["components"]["schemas"].get(name).is_some(),
            "dangling $ref {name}"
        );
    }
}

#[test]
fn reads_go_on_while_writes_come_in() {
    let srv = start(|_| {});
    let addr = srv.addr;
    let seeds = common::seeds();
    let writer = std::thread::spawn(move || {
        for i in 0..40 {
            let mut d = seeds[i % seeds.len()].clone();
            d["id"] = json!(format!("w{i}"));
            assert_eq!(post_json(addr, "/v1/documents", &d).status, 201);
        }
    });
    let readers: Vec<_> = (0..3)
        .map(|_| {
            std::thread::spawn(move || {
                for _ in 0..30 {
                    assert_eq!(get(addr, "/v1/documents?limit=5").status, 200);
                    assert_eq!(get(addr, "/healthz").status, 200);
                }
            })
        })
        .collect();
    writer.join().unwrap();
    for r in readers {
        r.join().unwrap();
    }
    assert_eq!(get(addr, "/healthz").json()["documents"], 40);
}
