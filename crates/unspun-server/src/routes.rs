//! The HTTP API. Reads run on the blocking pool against index snapshots;
//! writes go to the writer task.

use crate::error::ApiError;
use crate::writer::Job;
use crate::AppState;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use std::borrow::Cow;
use std::sync::atomic::Ordering::Relaxed;
use tokio::sync::oneshot;
use unspun_index::{Index, IndexError};
use unspun_ingest::{inflate, read_date, DateOrder};
use unspun_text::document::site_of_url;
use unspun_text::Document;

pub const OPENAPI: &str = include_str!("openapi.json");
const PAGE: &str = include_str!("web/index.html");

/// Runs a read on the blocking pool (redb reads may touch the disk).
async fn read<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&Index) -> Result<T, IndexError> + Send + 'static,
) -> Result<T, ApiError> {
    let index = state.index.clone();
    tokio::task::spawn_blocking(move || f(&index))
        .await
        .map_err(|e| ApiError::internal(format!("read task failed: {e}")))?
        .map_err(ApiError::from)
}

pub async fn page() -> Response {
    // The page builds every element from text: no inline handlers, no remote
    // loads. The policy makes a stray injection inert as well.
    (
        [(header::CONTENT_SECURITY_POLICY, "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:")],
        Html(PAGE),
    )
        .into_response()
}

pub async fn openapi() -> Response {
    ([(header::CONTENT_TYPE, "application/json")], OPENAPI).into_response()
}

pub async fn healthz(State(state): State<AppState>) -> Result<Json<Value>, ApiError> {
    let n = read(&state, |i| i.len()).await?;
    Ok(Json(json!({ "status": "ok", "documents": n })))
}

pub async fn metrics(State(state): State<AppState>) -> Result<Response, ApiError> {
    let stats = read(&state, |i| i.stats()).await?;
    let body = state
        .metrics
        .render(stats.documents, stats.families, stats.disk_bytes);
    Ok(([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body).into_response())
}

pub async fn stats(State(state): State<AppState>) -> Result<Json<unspun_index::Stats>, ApiError> {
    Ok(Json(read(&state, |i| i.stats()).await?))
}

/// A document as posted.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DocIn {
    id: String,
    text: String,
    title: Option<String>,
    url: Option<String>,
    date: Option<String>,
    site: Option<String>,
}

impl DocIn {
    /// Metadata as `unspun scan` reads it from JSONL: dates to `YYYY-MM-DD`
    /// (`03/04/2023` by the request's date order), the site from the URL when
    /// not given.
    fn into_document(self, order: Option<DateOrder>) -> Result<Document, ApiError> {
        let date = read_date(self.date.as_deref().unwrap_or(""), order)
            .map_err(|why| ApiError::bad_request(format!("document `{}`: {why}", self.id)))?;
        let site = self
            .site
            .or_else(|| self.url.as_deref().and_then(site_of_url));
        Ok(Document {
            id: self.id,
            path: None,
            text: self.text,
            title: self.title,
            url: self.url,
            date,
            site,
        })
    }
}

/// The query of a request that posts documents.
#[derive(Debug, Deserialize)]
pub struct PostParams {
    /// `dmy` or `mdy`: how to read `03/04/2023` in the documents' dates.
    date_order: Option<String>,
}

impl PostParams {
    fn date_order(&self) -> Result<Option<DateOrder>, ApiError> {
        self.date_order
            .as_deref()
            .map(|o| o.parse().map_err(ApiError::bad_request))
            .transpose()
    }
}

/// The body as sent, or decompressed when its `Content-Encoding` is gzip or
/// zstd (a batch of articles shrinks about four times); the body limit
/// applies to the decompressed JSON too.
fn request_json<'b>(
    state: &AppState,
    headers: &HeaderMap,
    body: &'b Bytes,
) -> Result<Cow<'b, [u8]>, ApiError> {
    let encoding = headers
        .get(header::CONTENT_ENCODING)
        .map(|v| v.to_str().unwrap_or("?").trim().to_ascii_lowercase());
    match encoding.as_deref() {
        None | Some("identity") => Ok(Cow::Borrowed(body)),
        Some("gzip" | "x-gzip" | "zstd") => match inflate(body, state.body_limit) {
            Ok(Some(json)) => Ok(Cow::Owned(json)),
            Ok(None) => Err(ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                format!(
                    "the body is over {} bytes once decompressed",
                    state.body_limit
                ),
            )),
            Err(e) => Err(ApiError::bad_request(format!(
                "cannot decompress the body: {e}"
            ))),
        },
        Some(other) => Err(ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!("Content-Encoding `{other}` is not supported: send gzip, zstd or none"),
        )),
    }
}

/// One object or an array of them.
fn parse_documents(
    body: &[u8],
    order: Option<DateOrder>,
) -> Result<(Vec<Document>, bool), ApiError> {
    let value: Value = serde_json::from_slice(body)
        .map_err(|e| ApiError::bad_request(format!("invalid JSON: {e}")))?;
    let (items, many) = match value {
        Value::Array(items) => (items, true),
        Value::Object(_) => (vec![value], false),
        _ => {
            return Err(ApiError::bad_request(
                "expected a document object or an array of them",
            ))
        }
    };
    if many && items.is_empty() {
        return Err(ApiError::bad_request("empty array: nothing to add"));
    }
    let docs = items
        .into_iter()
        .enumerate()
        .map(|(i, v)| {
            let doc: DocIn = serde_json::from_value(v).map_err(|e| {
                let at = if many {
                    format!("document {i}: ")
                } else {
                    String::new()
                };
                ApiError::bad_request(format!("{at}{e}"))
            })?;
            doc.into_document(order)
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok((docs, many))
}

/// Checks the bearer token of a write, when the server has one.
fn authorize(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    let Some(expected) = state.token.as_deref() else {
        return Ok(());
    };
    let given = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .unwrap_or("");
    // Same time whatever the first differing byte.
    let same = given.len() == expected.len()
        && given
            .bytes()
            .zip(expected.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if same {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "writes need the header `Authorization: Bearer <token>`",
        ))
    }
}

pub async fn add_documents(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<PostParams>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Response, ApiError> {
    authorize(&state, &headers)?;
    let body = body.map_err(|r| ApiError::new(r.status(), r.body_text()))?;
    let json = request_json(&state, &headers, &body)?;
    let (docs, many) = parse_documents(&json, p.date_order()?)?;
    let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
    let (reply, answer) = oneshot::channel();
    state
        .writer
        .send(Job::Add { docs, reply })
        .await
        .map_err(|_| ApiError::internal("the writer has stopped"))?;
    let results = answer
        .await
        .map_err(|_| ApiError::internal("the writer has stopped"))?
        .map_err(ApiError::internal)?;
    if !many {
        return match results.into_iter().next() {
            Some(Ok(added)) => Ok((StatusCode::CREATED, Json(added)).into_response()),
            Some(Err(e)) => Err(e.into()),
            None => Err(ApiError::internal("no result")),
        };
    }
    let results: Vec<Value> = ids
        .iter()
        .zip(results)
        .map(|(id, r)| match r {
            Ok(added) => serde_json::to_value(added).unwrap_or(Value::Null),
            Err(e) => json!({ "id": id, "error": e.to_string(), "status": ApiError::from(e).status.as_u16() }),
        })
        .collect();
    Ok((StatusCode::OK, Json(json!({ "results": results }))).into_response())
}

pub async fn remove_document(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    authorize(&state, &headers)?;
    let (reply, answer) = oneshot::channel();
    state
        .writer
        .send(Job::Remove {
            id: id.clone(),
            reply,
        })
        .await
        .map_err(|_| ApiError::internal("the writer has stopped"))?;
    answer
        .await
        .map_err(|_| ApiError::internal("the writer has stopped"))??;
    Ok(Json(json!({ "removed": id })))
}

pub async fn query_documents(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(p): Query<PostParams>,
    body: Result<Bytes, BytesRejection>,
) -> Result<Json<Value>, ApiError> {
    let body = body.map_err(|r| ApiError::new(r.status(), r.body_text()))?;
    let json = request_json(&state, &headers, &body)?;
    let (docs, _) = parse_documents(&json, p.date_order()?)?;
    state.metrics.queries.fetch_add(docs.len() as u64, Relaxed);
    let results = read(&state, move |index| {
        let ids: Vec<String> = docs.iter().map(|d| d.id.clone()).collect();
        // One round for all of them: the model's work batched across them.
        index
            .query_batch(docs)?
            .into_iter()
            .zip(ids)
            .map(|(r, id)| r.map(|pairs| json!({ "id": id, "pairs": pairs })))
            .collect::<Result<Vec<_>, _>>()
    })
    .await?;
    Ok(Json(json!({ "results": results })))
}

#[derive(Debug, Deserialize)]
pub struct FeedParams {
    limit: Option<usize>,
    before: Option<u32>,
}

pub async fn feed(
    State(state): State<AppState>,
    Query(p): Query<FeedParams>,
) -> Result<Json<Value>, ApiError> {
    let limit = p.limit.unwrap_or(20).clamp(1, 500);
    let items = read(&state, move |i| i.recent(limit, p.before)).await?;
    Ok(Json(json!({ "items": items })))
}

#[derive(Debug, Deserialize)]
pub struct DocParams {
    text: Option<bool>,
}

pub async fn document(
    State(state): State<AppState>,
    Path(id): Path<String>,
    Query(p): Query<DocParams>,
) -> Result<Response, ApiError> {
    let with_text = p.text.unwrap_or(true);
    let key = id.clone();
    match read(&state, move |i| i.document(&key, with_text)).await? {
        Some(doc) => Ok(Json(doc).into_response()),
        None => Err(ApiError::not_found(format!("no document `{id}`"))),
    }
}

pub async fn matches(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Value>, ApiError> {
    let key = id.clone();
    let pairs = read(&state, move |i| i.matches(&key)).await?;
    Ok(Json(json!({ "id": id, "pairs": pairs })))
}

#[derive(Debug, Deserialize)]
pub struct PageParams {
    offset: Option<usize>,
    limit: Option<usize>,
}

pub async fn families(
    State(state): State<AppState>,
    Query(p): Query<PageParams>,
) -> Result<Json<Value>, ApiError> {
    let (offset, limit) = (p.offset.unwrap_or(0), p.limit.unwrap_or(50).clamp(1, 1000));
    let families = read(&state, move |i| i.families(offset, limit)).await?;
    Ok(Json(json!({ "families": families, "offset": offset })))
}

pub async fn family(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let key = id.clone();
    match read(&state, move |i| i.family(&key)).await? {
        Some(f) => Ok(Json(f).into_response()),
        None => Err(ApiError::not_found(format!("no family `{id}`"))),
    }
}

/// What a story is, for clients reading the list.
const STORY_NOTE: &str = "stories group documents that report one event (copies, rewrites, independent reports) by average linkage over their relations, as `unspun scan` does; computed from the stored relations when asked";

pub async fn stories(
    State(state): State<AppState>,
    Query(p): Query<PageParams>,
) -> Result<Json<Value>, ApiError> {
    let (offset, limit) = (p.offset.unwrap_or(0), p.limit.unwrap_or(50).clamp(1, 1000));
    let stories = read(&state, move |i| {
        Ok(i.stories()?
            .into_iter()
            .skip(offset)
            .take(limit)
            .collect::<Vec<_>>())
    })
    .await?;
    Ok(Json(
        json!({ "stories": stories, "offset": offset, "note": STORY_NOTE }),
    ))
}

pub async fn story(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let key = id.clone();
    match read(&state, move |i| i.story(&key)).await? {
        Some(s) => Ok(Json(s).into_response()),
        None => Err(ApiError::not_found(format!("no story `{id}`"))),
    }
}

#[derive(Debug, Deserialize)]
pub struct CompareParams {
    a: Option<String>,
    b: Option<String>,
}

pub async fn compare(
    State(state): State<AppState>,
    Query(p): Query<CompareParams>,
) -> Result<Response, ApiError> {
    let (Some(a), Some(b)) = (p.a, p.b) else {
        return Err(ApiError::bad_request(
            "give two indexed document ids: /v1/compare?a=ID&b=ID",
        ));
    };
    Ok(Json(read(&state, move |i| i.compare(&a, &b)).await?).into_response())
}

pub async fn not_found() -> ApiError {
    ApiError::not_found("no such route (see /openapi.json)")
}

pub async fn method_not_allowed() -> ApiError {
    ApiError::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method not allowed on this route (see /openapi.json)",
    )
}
