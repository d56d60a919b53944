//! A blocking WebSocket to taosAdapter's `/ws` endpoint. Every request (the
//! connect and handshake included) is bounded by one deadline: the socket's
//! read and write timeouts are set to what is left of it before each step,
//! so a silent adapter or a black-holed network ends the request with a
//! retriable error instead of a wait. After any failure the link is broken
//! and is dropped by its owner.

use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use serde_json::Value;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

use crate::error::{TdError, TdResult};

pub struct Link {
    socket: WebSocket<TcpStream>,
    timeout: Duration,
    broken: bool,
}

/// The answer's error, if it is one: `code` and `message` as taosAdapter sends them.
pub fn refusal(what: &str, answer: &Value) -> Option<TdError> {
    let code = answer.get("code").and_then(Value::as_i64).unwrap_or(0);
    (code != 0).then(|| {
        let text = answer.get("message").and_then(Value::as_str).unwrap_or("");
        TdError::from_code(what, i32::try_from(code).unwrap_or(0xffff), text)
    })
}

impl Link {
    /// Connects to `ws://host:port/ws` (the TCP connect, the HTTP upgrade)
    /// within `timeout`.
    pub fn open(host: &str, port: u16, timeout: Duration) -> TdResult<Link> {
        let deadline = Instant::now() + timeout;
        let lost = |e: &dyn std::fmt::Display| {
            TdError::Retriable(format!("connecting to taosAdapter at {host}:{port}: {e}"))
        };
        let addr = (host, port)
            .to_socket_addrs()
            .map_err(|e| lost(&e))?
            .next()
            .ok_or_else(|| lost(&"the host name has no address"))?;
        let stream = TcpStream::connect_timeout(&addr, left(deadline)?).map_err(|e| lost(&e))?;
        // Requests are small frames answered at once: no Nagle delay.
        stream.set_nodelay(true).map_err(|e| lost(&e))?;
        bound(&stream, deadline).map_err(|e| lost(&e))?;
        let config = WebSocketConfig {
            max_message_size: None,
            max_frame_size: None,
            ..WebSocketConfig::default()
        };
        let url = format!("ws://{}/ws", authority(host, port));
        let (socket, _) = tungstenite::client::client_with_config(url, stream, Some(config))
            .map_err(|e| lost(&e))?;
        Ok(Link {
            socket,
            timeout,
            broken: false,
        })
    }

    pub fn broken(&self) -> bool {
        self.broken
    }

    /// Sends a JSON request (`{"action":…,"args":…}`) and returns its answer.
    pub fn request(&mut self, what: &str, request: &Value) -> TdResult<Value> {
        self.exchange(what, Message::Text(request.to_string()))
    }

    /// Sends a binary request and returns its (JSON) answer.
    pub fn request_binary(&mut self, what: &str, data: Vec<u8>) -> TdResult<Value> {
        self.exchange(what, Message::Binary(data))
    }

    fn exchange(&mut self, what: &str, message: Message) -> TdResult<Value> {
        let deadline = Instant::now() + self.timeout;
        let outcome = self.send_and_read(deadline, message);
        outcome.map_err(|e| {
            self.broken = true;
            TdError::Retriable(format!("{what}: taosAdapter connection lost: {e}"))
        })
    }

    fn send_and_read(&mut self, deadline: Instant, message: Message) -> Result<Value, String> {
        bound(self.socket.get_ref(), deadline).map_err(|e| e.to_string())?;
        self.socket
            .send(message)
            .map_err(|e| timed(e, self.timeout))?;
        loop {
            bound(self.socket.get_ref(), deadline).map_err(|e| e.to_string())?;
            match self.socket.read().map_err(|e| timed(e, self.timeout))? {
                Message::Text(text) => {
                    return serde_json::from_str(&text)
                        .map_err(|e| format!("unreadable answer ({e}): {text}"))
                }
                Message::Close(frame) => return Err(format!("closed by taosAdapter: {frame:?}")),
                // Pings are answered by the library; nothing else is expected.
                _ => {}
            }
        }
    }
}

impl Drop for Link {
    fn drop(&mut self) {
        if !self.broken {
            // Best effort, bounded by the socket's timeouts.
            let _ = self.socket.close(None);
            let _ = self.socket.flush();
        }
    }
}

fn left(deadline: Instant) -> TdResult<Duration> {
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err(TdError::Retriable("no answer in time".into()));
    }
    Ok(left)
}

/// The socket's timeouts set to what is left until `deadline`.
fn bound(stream: &TcpStream, deadline: Instant) -> std::io::Result<()> {
    let left = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1));
    stream.set_read_timeout(Some(left))?;
    stream.set_write_timeout(Some(left))
}

fn timed(e: tungstenite::Error, timeout: Duration) -> String {
    match &e {
        tungstenite::Error::Io(io)
            if matches!(
                io.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ) =>
        {
            format!("no answer within {} ms", timeout.as_millis())
        }
        _ => e.to_string(),
    }
}

fn authority(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}
