//! A loopback listener per (server, trust). Each connection accepted is
//! carried over TLS to the server; the HTTP upgrade's `Host` header is set
//! to the server's own. A handshake the server's certificate fails is kept
//! as the tunnel's refusal, for the connect that waits on it to report.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::rustls::pki_types::ServerName;
use tokio_rustls::rustls::{self, ClientConfig};
use tokio_rustls::TlsConnector;

use super::trust::{self, Trust};
use crate::error::{TdError, TdResult};

/// Longest TCP connect or TLS handshake with the server.
const HANDSHAKE: Duration = Duration::from_secs(10);
/// Longest HTTP upgrade request head the tunnel rewrites.
const MAX_HEAD: usize = 64 * 1024;

pub struct Tunnel {
    local: SocketAddr,
    refusal: Mutex<Option<String>>,
}

impl Tunnel {
    /// The loopback address the client connects to.
    pub fn local(&self) -> SocketAddr {
        self.local
    }

    /// The last handshake refusal, cleared.
    pub fn take_refusal(&self) -> Option<String> {
        self.refusal.lock().ok()?.take()
    }

    fn refuse(&self, why: String) {
        log::warn!("{why}");
        if let Ok(mut slot) = self.refusal.lock() {
            *slot = Some(why);
        }
    }
}

type Key = (String, u16, Trust);

fn tunnels() -> &'static Mutex<HashMap<Key, Arc<Tunnel>>> {
    static TUNNELS: OnceLock<Mutex<HashMap<Key, Arc<Tunnel>>>> = OnceLock::new();
    TUNNELS.get_or_init(Mutex::default)
}

fn runtime() -> TdResult<&'static tokio::runtime::Runtime> {
    static RUNTIME: OnceLock<tokio::runtime::Runtime> = OnceLock::new();
    if let Some(rt) = RUNTIME.get() {
        return Ok(rt);
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .thread_name("tdconnect-tls")
        .enable_all()
        .build()
        .map_err(|e| TdError::fatal(format!("starting the TLS tunnel runtime: {e}")))?;
    Ok(RUNTIME.get_or_init(|| rt))
}

/// The tunnel to `host:port` with this trust, opened on first use.
pub fn open(host: &str, port: u16, trust: &Trust) -> TdResult<Arc<Tunnel>> {
    let key = (host.to_owned(), port, trust.clone());
    let mut map = tunnels()
        .lock()
        .map_err(|_| TdError::fatal("TLS tunnel registry poisoned"))?;
    if let Some(t) = map.get(&key) {
        return Ok(t.clone());
    }
    let config = trust::client_config(trust)?;
    let name = ServerName::try_from(host.to_owned())
        .map_err(|e| TdError::fatal(format!("connection.url host '{host}': {e}")))?;
    let listener = std::net::TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.set_nonblocking(true).map(|_| l))
        .map_err(|e| TdError::fatal(format!("opening the TLS tunnel's loopback port: {e}")))?;
    let local = listener
        .local_addr()
        .map_err(|e| TdError::fatal(format!("TLS tunnel: {e}")))?;
    let tunnel = Arc::new(Tunnel {
        local,
        refusal: Mutex::new(None),
    });
    let server = Server {
        host: host.to_owned(),
        port,
        name,
        config,
    };
    let serving = tunnel.clone();
    runtime()?.spawn(async move {
        let listener = match TcpListener::from_std(listener) {
            Ok(l) => l,
            Err(e) => return serving.refuse(format!("TLS tunnel listener: {e}")),
        };
        let server = Arc::new(server);
        loop {
            match listener.accept().await {
                Ok((client, _)) => {
                    tokio::spawn(carry(client, serving.clone(), server.clone()));
                }
                Err(e) => {
                    log::warn!("TLS tunnel accept: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                }
            }
        }
    });
    map.insert(key, tunnel.clone());
    Ok(tunnel)
}

struct Server {
    host: String,
    port: u16,
    name: ServerName<'static>,
    config: Arc<ClientConfig>,
}

impl Server {
    fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

/// Carries one client connection; any failure just closes it (the client
/// sees a closed connection: transient, unless a refusal explains it).
async fn carry(mut client: TcpStream, tunnel: Arc<Tunnel>, server: Arc<Server>) {
    let connect = TcpStream::connect((server.host.as_str(), server.port));
    let Ok(Ok(tcp)) = tokio::time::timeout(HANDSHAKE, connect).await else {
        return;
    };
    let _ = tcp.set_nodelay(true);
    let _ = client.set_nodelay(true);
    let handshake = TlsConnector::from(server.config.clone()).connect(server.name.clone(), tcp);
    let mut tls = match tokio::time::timeout(HANDSHAKE, handshake).await {
        Ok(Ok(tls)) => tls,
        Ok(Err(e)) => {
            if let Some(why) = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>()) {
                tunnel.refuse(describe(&server, why));
            }
            return;
        }
        Err(_) => return,
    };
    let Some(head) = read_head(&mut client).await else {
        return;
    };
    let head = with_host(&head, &server.authority());
    if tls.write_all(&head).await.is_err() {
        return;
    }
    // Ends when either side ends: a client that gave up on an unanswered
    // request (its deadline) must not leave the tunnel waiting on a server
    // that answers nothing.
    let (mut client_in, mut client_out) = tokio::io::split(client);
    let (mut server_in, mut server_out) = tokio::io::split(tls);
    tokio::select! {
        _ = tokio::io::copy(&mut client_in, &mut server_out) => {}
        _ = tokio::io::copy(&mut server_in, &mut client_out) => {}
    }
}

/// Bytes up to and including the end of the HTTP request head (and any
/// that came with it).
async fn read_head(client: &mut TcpStream) -> Option<Vec<u8>> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = client.read(&mut buf).await.ok()?;
        if n == 0 || head.len() + n > MAX_HEAD {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    Some(head)
}

/// The request head with its `Host` header naming the server.
fn with_host(head: &[u8], authority: &str) -> Vec<u8> {
    let Some(end) = head.windows(4).position(|w| w == b"\r\n\r\n") else {
        return head.to_vec();
    };
    let text = String::from_utf8_lossy(&head[..end]);
    let mut out = Vec::with_capacity(head.len() + authority.len());
    for (i, line) in text.split("\r\n").enumerate() {
        if i > 0 {
            out.extend_from_slice(b"\r\n");
        }
        if i > 0 && line.len() >= 5 && line[..5].eq_ignore_ascii_case("host:") {
            out.extend_from_slice(format!("Host: {authority}").as_bytes());
        } else {
            out.extend_from_slice(line.as_bytes());
        }
    }
    out.extend_from_slice(&head[end..]);
    out
}

fn describe(server: &Server, e: &rustls::Error) -> String {
    use rustls::CertificateError as C;
    let target = server.authority();
    match e {
        rustls::Error::InvalidCertificate(
            C::NotValidForName | C::NotValidForNameContext { .. },
        ) => {
            format!(
                "TLS with {target}: the server's certificate does not name {} ({e}); use a name it \
                 has in connection.url, or set connection.tls.verify.hostname=false",
                server.host
            )
        }
        rustls::Error::InvalidCertificate(_) => format!(
            "TLS with {target}: the server's certificate is not trusted ({e}); name the CA that \
             signed it in connection.tls.ca.file"
        ),
        other => format!("TLS with {target} failed: {other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::with_host;

    #[test]
    fn the_upgrade_names_the_server() {
        let head = b"GET /ws HTTP/1.1\r\nhost: 127.0.0.1:5555\r\nUpgrade: websocket\r\n\r\nrest";
        assert_eq!(
            String::from_utf8(with_host(head, "db.example:443")).unwrap(),
            "GET /ws HTTP/1.1\r\nHost: db.example:443\r\nUpgrade: websocket\r\n\r\nrest"
        );
    }
}
