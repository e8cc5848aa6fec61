//! `unspun serve`: the HTTP API and web page over a live index.
//!
//! Routes are listed in [`ROUTES`] and described in `/openapi.json`
//! (`src/openapi.json`, checked against [`ROUTES`] by a test). Writes
//! (`POST /v1/documents`, `DELETE /v1/documents/{id}`) go through one writer
//! task and may require a bearer token; reads run concurrently on index
//! snapshots. Errors are `{"error": "..."}` with a 4xx or 5xx status. The
//! server binds 127.0.0.1 unless told otherwise, limits request bodies and
//! answers 503 when a request outlives the time limit.

#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod error;
mod metrics;
mod routes;
mod writer;

pub use error::{ApiError, ServerError};
pub use routes::OPENAPI;

use axum::extract::{DefaultBodyLimit, MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use metrics::Metrics;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};
use unspun_index::Index;

/// Every route: (method, path in OpenAPI form).
pub const ROUTES: &[(&str, &str)] = &[
    ("GET", "/"),
    ("GET", "/healthz"),
    ("GET", "/metrics"),
    ("GET", "/openapi.json"),
    ("GET", "/v1/stats"),
    ("GET", "/v1/documents"),
    ("POST", "/v1/documents"),
    ("GET", "/v1/documents/{id}"),
    ("DELETE", "/v1/documents/{id}"),
    ("GET", "/v1/documents/{id}/matches"),
    ("POST", "/v1/query"),
    ("GET", "/v1/families"),
    ("GET", "/v1/families/{id}"),
    ("GET", "/v1/stories"),
    ("GET", "/v1/stories/{id}"),
    ("GET", "/v1/compare"),
];

/// How to serve.
#[derive(Debug, Clone)]
pub struct ServerConfig {
    /// Where to listen; loopback by default.
    pub addr: SocketAddr,
    /// When set, writes need `Authorization: Bearer <token>`.
    pub token: Option<String>,
    /// Largest request body, in bytes.
    pub body_limit: usize,
    /// Longest a request may take before a 503.
    pub timeout: Duration,
    /// The meaning layer for added documents (paraphrase, same_story).
    pub meaning: Option<Arc<unspun_compare::Meaning>>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            token: None,
            body_limit: 16 << 20,
            timeout: Duration::from_secs(30),
            meaning: None,
        }
    }
}

/// What every handler shares.
#[derive(Clone)]
pub struct AppState {
    pub(crate) index: Arc<Index>,
    pub(crate) writer: tokio::sync::mpsc::Sender<writer::Job>,
    pub(crate) metrics: Arc<Metrics>,
    pub(crate) token: Option<Arc<str>>,
    /// Largest request body, also once decompressed.
    pub(crate) body_limit: usize,
    timeout: Duration,
}

impl AppState {
    /// Starts the writer task: call inside a tokio runtime.
    pub fn new(index: Arc<Index>, cfg: &ServerConfig) -> AppState {
        let metrics = Arc::new(Metrics::default());
        let writer = writer::spawn(index.clone(), metrics.clone());
        AppState {
            index,
            writer,
            metrics,
            token: cfg.token.as_deref().map(Arc::from),
            body_limit: cfg.body_limit,
            timeout: cfg.timeout,
        }
    }
}

/// The whole application.
pub fn router(state: AppState, cfg: &ServerConfig) -> Router {
    Router::new()
        .route("/", get(routes::page))
        .route("/healthz", get(routes::healthz))
        .route("/metrics", get(routes::metrics))
        .route("/openapi.json", get(routes::openapi))
        .route("/v1/stats", get(routes::stats))
        .route(
            "/v1/documents",
            get(routes::feed).post(routes::add_documents),
        )
        .route(
            "/v1/documents/{id}",
            get(routes::document).delete(routes::remove_document),
        )
        .route("/v1/documents/{id}/matches", get(routes::matches))
        .route("/v1/query", post(routes::query_documents))
        .route("/v1/families", get(routes::families))
        .route("/v1/families/{id}", get(routes::family))
        .route("/v1/stories", get(routes::stories))
        .route("/v1/stories/{id}", get(routes::story))
        .route("/v1/compare", get(routes::compare))
        .fallback(routes::not_found)
        .method_not_allowed_fallback(routes::method_not_allowed)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            limit_and_count,
        ))
        .layer(DefaultBodyLimit::max(cfg.body_limit))
        .with_state(state)
}

/// Time limit and request metrics around every request.
async fn limit_and_count(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", |m| m.as_str())
        .to_string();
    let method = req.method().to_string();
    let response = match tokio::time::timeout(state.timeout, next.run(req)).await {
        Ok(r) => r,
        Err(_) => ApiError::new(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            format!("request took longer than {} s", state.timeout.as_secs_f64()),
        )
        .into_response(),
    };
    state.metrics.request(
        &route,
        &method,
        response.status().as_u16(),
        started.elapsed(),
    );
    response
}

/// Serves `index` until `shutdown` completes.
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    index: Arc<Index>,
    cfg: &ServerConfig,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> Result<(), ServerError> {
    let state = AppState::new(index, cfg);
    axum::serve(listener, router(state, cfg))
        .with_graceful_shutdown(shutdown)
        .await?;
    Ok(())
}

/// Opens (or creates) the index in `dir` and serves it on `cfg.addr` until
/// Ctrl-C. `ready` is called with the bound address (port 0 picks one).
pub async fn serve(
    dir: &Path,
    cfg: ServerConfig,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    let dir = dir.to_path_buf();
    let index = tokio::task::spawn_blocking(move || Index::open(dir))
        .await
        .map_err(|e| ServerError::Io(std::io::Error::other(e.to_string())))??;
    let index = match &cfg.meaning {
        Some(m) => index.with_meaning(m.clone()),
        None => index,
    };
    let listener = tokio::net::TcpListener::bind(cfg.addr)
        .await
        .map_err(|source| ServerError::Bind {
            addr: cfg.addr,
            source,
        })?;
    ready(listener.local_addr()?);
    let shutdown = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    serve_on(listener, Arc::new(index), &cfg, shutdown).await
}

/// [`serve`] on a runtime of its own, for callers without one (the CLI).
pub fn run_server(
    dir: &Path,
    cfg: ServerConfig,
    ready: impl FnOnce(SocketAddr),
) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(serve(dir, cfg, ready))
}
