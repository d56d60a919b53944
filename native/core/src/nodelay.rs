//! Turns Nagle's algorithm off on the WebSocket connections to taosAdapter.
//!
//! taos-ws (through ws-tool 0.11) writes each frame as a small header write
//! followed by the payload and never sets `TCP_NODELAY`, so with delayed
//! ACKs on the other side every request can wait ~40 ms. The crate gives no
//! access to its socket, so after connecting we find the process's TCP
//! sockets whose peer is the adapter's port and set the option on them.
//! Harmless for any other socket that happens to match.

/// Kinds of request; the ws client opens a socket per kind on first use.
pub const SCHEMALESS: u8 = 1;
pub const SQL: u8 = 2;
pub const TMQ: u8 = 4;

/// Requests between two scans once every kind in use has been scanned for,
/// to catch a socket the ws client opened when it reconnected on its own.
const RESCAN_EVERY: u32 = 64;

/// When to scan. A scan costs a few syscalls per open file (about 0.25 ms
/// in a Connect worker with its hundreds of jars), so it runs after the
/// first request of each kind since the last [`Scans::reset`] and then every
/// [`RESCAN_EVERY`] requests, not after every request.
pub struct Scans {
    /// taosAdapter's port; None for native connections (nothing to do).
    port: Option<u16>,
    scanned: u8,
    requests: u32,
}

impl Scans {
    pub fn new(port: Option<u16>) -> Self {
        Scans {
            port,
            scanned: 0,
            requests: 0,
        }
    }

    /// After a call that made requests of the kinds in `used`.
    pub fn after(&mut self, used: u8) {
        if let Some(port) = self.port {
            if self.due(used) {
                towards_port(port);
            }
        }
    }

    fn due(&mut self, used: u8) -> bool {
        self.requests = self.requests.wrapping_add(1);
        let due = used & !self.scanned != 0 || self.requests % RESCAN_EVERY == 0;
        self.scanned |= used;
        due
    }

    /// The connections were replaced: their sockets are new.
    pub fn reset(&mut self) {
        self.scanned = 0;
    }
}

/// Sets `TCP_NODELAY` on every TCP socket of this process connected to `port`.
#[cfg(target_os = "linux")]
pub fn towards_port(port: u16) {
    let Ok(entries) = std::fs::read_dir("/proc/self/fd") else {
        return;
    };
    for entry in entries.flatten() {
        let Some(fd) = entry
            .file_name()
            .to_str()
            .and_then(|n| n.parse::<libc::c_int>().ok())
        else {
            continue;
        };
        if peer_port(fd) == Some(port) {
            let on: libc::c_int = 1;
            // SAFETY: fd is an open descriptor of this process (or fails with
            // EBADF); the option value is a c_int that outlives the call.
            unsafe {
                libc::setsockopt(
                    fd,
                    libc::IPPROTO_TCP,
                    libc::TCP_NODELAY,
                    std::ptr::addr_of!(on).cast(),
                    std::mem::size_of::<libc::c_int>() as libc::socklen_t,
                );
            }
        }
    }
}

#[cfg(not(target_os = "linux"))]
pub fn towards_port(_port: u16) {}

/// The peer port of a connected IPv4/IPv6 stream socket.
#[cfg(target_os = "linux")]
fn peer_port(fd: libc::c_int) -> Option<u16> {
    // SAFETY: sockaddr_storage is plain data; getpeername writes at most
    // `len` bytes into it and fails harmlessly for non-sockets.
    unsafe {
        let mut kind: libc::c_int = 0;
        let mut kind_len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        if libc::getsockopt(
            fd,
            libc::SOL_SOCKET,
            libc::SO_TYPE,
            std::ptr::addr_of_mut!(kind).cast(),
            &mut kind_len,
        ) != 0
            || kind != libc::SOCK_STREAM
        {
            return None;
        }
        let mut addr: libc::sockaddr_storage = std::mem::zeroed();
        let mut len = std::mem::size_of::<libc::sockaddr_storage>() as libc::socklen_t;
        if libc::getpeername(fd, std::ptr::addr_of_mut!(addr).cast(), &mut len) != 0 {
            return None;
        }
        match i32::from(addr.ss_family) {
            libc::AF_INET => {
                let v4 = &*std::ptr::addr_of!(addr).cast::<libc::sockaddr_in>();
                Some(u16::from_be(v4.sin_port))
            }
            libc::AF_INET6 => {
                let v6 = &*std::ptr::addr_of!(addr).cast::<libc::sockaddr_in6>();
                Some(u16::from_be(v6.sin6_port))
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::{TcpListener, TcpStream};
    use std::os::fd::AsRawFd;

    #[test]
    fn scans_after_a_new_kind_of_request_and_then_now_and_again() {
        let mut scans = Scans::new(Some(6041));
        assert!(scans.due(SCHEMALESS), "first schemaless write");
        assert!(!scans.due(SCHEMALESS));
        assert!(scans.due(SQL), "first SQL request");
        assert!(!scans.due(SQL | SCHEMALESS));
        let quiet = (5..RESCAN_EVERY).filter(|_| scans.due(SQL)).count();
        assert_eq!(quiet, 0);
        assert!(scans.due(SQL), "every {RESCAN_EVERY} calls");
        scans.reset();
        assert!(scans.due(SQL), "new connections");
    }

    #[test]
    fn sets_nodelay_on_sockets_to_the_port_only() {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let client = TcpStream::connect(("127.0.0.1", port)).unwrap();
        let (accepted, _) = listener.accept().unwrap();
        assert!(!client.nodelay().unwrap());
        assert_eq!(peer_port(client.as_raw_fd()), Some(port));
        towards_port(port);
        assert!(client.nodelay().unwrap());
        assert!(
            !accepted.nodelay().unwrap(),
            "the server side's peer is another port"
        );
    }
}
