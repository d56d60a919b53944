//! `wss://` connections. The `taos` crate's WebSocket client (0.12) can
//! neither trust a CA of its own nor reach a server by IP address over TLS
//! (its rustls 0.20 has no IP server names), and never turns host name checks
//! off. So every `wss://` connection goes through a local TLS tunnel: the
//! client speaks plain `ws://` to a loopback port of this process, and the
//! tunnel speaks TLS to the server with the trust the connector was given
//! (`connection.tls.ca.file`, else the system store; host names checked
//! unless `connection.tls.verify.hostname=false`), rewriting the HTTP
//! upgrade's `Host` header to the server's own.

mod trust;
mod tunnel;

use std::sync::Arc;

use crate::config::ConnectionConfig;
use crate::error::{TdError, TdResult};

pub use tunnel::Tunnel;

/// The DSN the client should use, and the tunnel behind it for `wss://`.
pub fn route(cfg: &ConnectionConfig) -> TdResult<(String, Option<Arc<Tunnel>>)> {
    let Some(rest) = cfg.dsn.strip_prefix("wss://") else {
        return Ok((cfg.dsn.clone(), None));
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let (host, port) = split_authority(authority)
        .ok_or_else(|| TdError::fatal(format!("connection.url '{}': no host", cfg.dsn)))?;
    let trust = trust::Trust {
        ca_file: cfg.tls_ca_file.clone().filter(|f| !f.trim().is_empty()),
        verify_hostname: cfg.tls_verify_hostname,
    };
    let tunnel = tunnel::open(&host, port, &trust)?;
    Ok((format!("ws://{}{path}", tunnel.local()), Some(tunnel)))
}

/// `host:port`, `[v6]:port` or `host` (port 443).
fn split_authority(authority: &str) -> Option<(String, u16)> {
    let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
        let (host, rest) = v6.split_once(']')?;
        (host, rest.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    let port = match port {
        Some(p) => p.parse().ok()?,
        None => 443,
    };
    (!host.is_empty()).then(|| (host.to_owned(), port))
}

/// A connect that failed behind a tunnel whose TLS handshake was refused is
/// a configuration problem, said plainly (the client itself only sees the
/// tunnel close).
pub fn explain(tunnel: Option<&Arc<Tunnel>>, failure: TdError) -> TdError {
    match tunnel.and_then(|t| t.take_refusal()) {
        Some(why) => TdError::fatal(why),
        None => failure,
    }
}

#[cfg(test)]
mod tests {
    use super::split_authority;

    #[test]
    fn authorities_split() {
        assert_eq!(split_authority("h:6041"), Some(("h".into(), 6041)));
        assert_eq!(split_authority("h"), Some(("h".into(), 443)));
        assert_eq!(split_authority("[::1]:7"), Some(("::1".into(), 7)));
        assert_eq!(split_authority(":7"), None);
        assert_eq!(split_authority("h:x"), None);
    }
}
