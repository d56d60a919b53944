//! The three kinds of failure the connector distinguishes; the JNI layer maps
//! each to one Java exception type.

use std::fmt;

pub type TdResult<T> = Result<T, TdError>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TdError {
    /// One record cannot be written (bad syntax, bad value). `index` is the
    /// record's position in the batch the shim sent.
    Data { index: usize, message: String },
    /// TDengine rejected the data of a request without saying which row,
    /// with a code known to be about data (schemaless parse errors, type
    /// conflicts, values out of range). The sink narrows it down to one
    /// record, which becomes a [`TdError::Data`].
    Rejected(String),
    /// TDengine refused a request with a code that is neither transient nor
    /// known to concern the whole server (credentials, privileges, a missing
    /// database, licences). A write refused so is narrowed like
    /// [`TdError::Rejected`], but a record is blamed only once some other
    /// write went through, so a server refusing everything never sends
    /// every record to the dead letter queue.
    Refused(String),
    /// Worth retrying the whole batch later: connection lost, server busy.
    Retriable(String),
    /// Retrying will not help: bad configuration, rejected credentials, bugs.
    /// Carries the native backtrace of where it was raised.
    Fatal { message: String, backtrace: Trace },
}

/// A backtrace captured where an error was raised, resolved to text only
/// when shown (resolving reads debug information: milliseconds, megabytes).
/// Two traces always compare equal: errors compare by what they say.
#[derive(Clone)]
pub struct Trace(std::sync::Arc<std::backtrace::Backtrace>);

impl Trace {
    fn here() -> Self {
        Trace(std::sync::Arc::new(
            std::backtrace::Backtrace::force_capture(),
        ))
    }
}

impl fmt::Debug for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Trace")
    }
}

impl fmt::Display for Trace {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl PartialEq for Trace {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Eq for Trace {}

impl TdError {
    /// A table a cache believed in is gone (dropped while the sink wrote):
    /// PAR_TABLE_NOT_EXIST, MND_STB_NOT_EXIST, TDB_TABLE_NOT_EXIST,
    /// TDB_INVALID_TABLE_ID, as the message names them.
    pub fn is_missing_table(&self) -> bool {
        let text = self.to_string();
        ["0x2603", "0x0362", "0x0618", "0x0603"]
            .iter()
            .any(|code| text.contains(code))
    }

    pub fn data(index: usize, message: impl Into<String>) -> Self {
        TdError::Data {
            index,
            message: message.into(),
        }
    }

    pub fn fatal(message: impl Into<String>) -> Self {
        TdError::Fatal {
            message: message.into(),
            backtrace: Trace::here(),
        }
    }

    /// The message, followed by the native backtrace for fatal errors.
    pub fn with_backtrace(&self) -> String {
        match self {
            TdError::Fatal { message, backtrace } => {
                format!("{message}\nnative backtrace:\n{backtrace}")
            }
            other => other.to_string(),
        }
    }

    /// Classifies an error reported by the `taos` crate. Codes follow
    /// TDengine's `taoserror.h`; anything unknown is fatal so it is seen.
    pub fn from_taos(context: &str, err: taos::Error) -> Self {
        let code = i32::from(err.code()) & 0xffff;
        TdError::from_code(context, code, &err.to_string())
    }

    /// Classifies a TDengine error code and text (as a server's answer
    /// carries them), like [`TdError::from_taos`].
    pub fn from_code(context: &str, code: i32, text: &str) -> Self {
        let code = code & 0xffff;
        let message = format!("{context}: [0x{code:04x}] {}", shortened(text));
        if is_data_code(code) {
            TdError::Rejected(message)
        } else if is_retriable_code(code) || looks_like_transport_failure(&message) {
            TdError::Retriable(message)
        } else if is_global_code(code) || code == 0 || code == 0xffff {
            TdError::fatal(message)
        } else {
            TdError::Refused(message)
        }
    }

    /// Whether a write refused with this error may be narrowed to its records.
    pub fn is_refusal(&self) -> bool {
        matches!(self, TdError::Rejected(_) | TdError::Refused(_))
    }
}

/// TDengine's error text for a rejected write repeats the rest of the
/// request (thousands of lines): keep the start, say how much was cut.
pub fn shortened(text: &str) -> String {
    const KEEP: usize = 300;
    if text.len() <= KEEP {
        return text.to_owned();
    }
    let mut end = KEEP;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}… ({} more bytes)", &text[..end], text.len() - end)
}

/// Codes that concern the connection, user, database or server as a whole,
/// never one row: credentials, privileges, a database missing or being
/// dropped, licences, protocol and precision settings.
fn is_global_code(code: i32) -> bool {
    matches!(
        code,
        0x0208 // TSC_INVALID_PASS_LENGTH
            | 0x0214 // TSC_NO_WRITE_AUTH
            | 0x0303 // MND_NO_RIGHTS
            | 0x0315 // MND_USER_DISABLED
            | 0x0343 // MND_ACCT_EXPIRED
            | 0x0351 // MND_USER_NOT_EXIST
            | 0x0353 // MND_INVALID_PASS_FORMAT
            | 0x0354 // MND_NO_USER_FROM_CONN
            | 0x0357 // MND_AUTH_FAILURE
            | 0x0386 // MND_DB_IN_DROPPING
            | 0x0388 // MND_DB_NOT_EXIST
            | 0x0512 // VND_NO_WRITE_AUTH
            | 0x0800
            ..=0x08FF // GRANT_*: licence expired or limits reached
            | 0x2616 // PAR_DB_NOT_SPECIFIED
            | 0x2644 // PAR_PERMISSION_DENIED
            | 0x2648 // PAR_INVALID_PASSWD
            | 0x3000 // SML_INVALID_PROTOCOL_TYPE
            | 0x3001 // SML_INVALID_PRECISION_TYPE
            | 0xE000 // WebSocket client: bad DSN
            | 0xE006 // WebSocket client: unauthorized
    )
}

/// Codes of TDengine 3.x (`taoserror.h`) after which the same request may
/// succeed unchanged: network and RPC failures, nodes starting, stopping or
/// electing a leader, busy buffers, DDL transactions in flight.
fn is_retriable_code(code: i32) -> bool {
    matches!(
        code,
        0x000B // RPC_NETWORK_UNAVAIL
            | 0x0018 // RPC_BROKEN_LINK
            | 0x0019 // RPC_TIMEOUT
            | 0x0020
            ..=0x0024 // RPC: node not connected / broken / max sessions / network error / busy
            | 0x0102 // OUT_OF_MEMORY
            | 0x012C // TIMEOUT_ERROR
            | 0x0130 // APP_IS_STARTING
            | 0x0131 // APP_IS_STOPPING
            | 0x0213 // TSC_DISCONNECTED
            | 0x0215 // TSC_CONN_KILLED
            | 0x032C // SDB_OBJ_CREATING
            | 0x0396 // MND_DB_IN_CREATING: another task is creating the database
            | 0x03D3 // MND_TRANS_CONFLICT
            | 0x03D8 // MND_TRANS_CTX_SWITCH
            | 0x040A // MNODE_NOT_FOUND
            | 0x0528 // VND_NO_AVAIL_BUFPOOL
            | 0x0529 // VND_STOPPED
            | 0x0531 // VND_QUERY_BUSY
            | 0x0602 // TDB_IVD_TB_SCHEMA_VERSION: schema changed under the request
            | 0x0730 // QRY_QWORKER_QUIT
            | 0x0903 // SYN_TIMEOUT
            | 0x090C // SYN_NOT_LEADER
            | 0x0911 // SYN_PROPOSE_NOT_READY
            | 0x0914 // SYN_RESTORING
            | 0x0916 // SYN_BUFFER_FULL
            | 0x2504 // SCH_TIMEOUT_ERROR
            | 0x4001 // TMQ_CONSUMER_MISMATCH: the group is rebalancing
            | 0x4002 // TMQ_CONSUMER_CLOSED
            | 0x4008 // TMQ_INVALID_VGID: the vgroup is not (yet) this consumer's
            | 0x4010 // TMQ_NEED_INITIALIZED
            | 0x4017 // TMQ_INVALID_STATUS: rebalancing
            | 0x0129 // NO_AVAIL_DISK
            | 0x012B // NO_DISKSPACE
            | 0x012E // NO_ENOUGH_DISKSPACE
            | 0x0613 // TDB_NO_AVAIL_DISK
            | 0xE001..=0xE005 // WebSocket client: socket error, closed, send/receive timeout, I/O
    )
}

/// Codes with which TDengine rejects the rows of a write (`taoserror.h`):
/// bad syntax, type conflicts, values or timestamps out of range. Protocol,
/// precision and database-setting errors are configuration, hence fatal.
fn is_data_code(code: i32) -> bool {
    matches!(
        code,
        0x011B // INVALID_JSON_FORMAT
            | 0x0202 // TSC_INVALID_TIME_STAMP
            | 0x0203 // TSC_INVALID_VALUE
            | 0x0221 // TSC_INVALID_JSON
            | 0x0222 // TSC_INVALID_JSON_TYPE
            | 0x0224 // TSC_VALUE_OUT_OF_RANGE
            | 0x021F // TSC_INVALID_COLUMN_LENGTH (schemaless: key or value too long)
            | 0x0229 // TSC_INVALID_INPUT
            | 0x013D // DECIMAL_OVERFLOW (3.3.6+)
            | 0x060B // TDB_TIMESTAMP_OUT_OF_RANGE
            | 0x260D // PAR_TAGS_NOT_MATCHED
            | 0x2617 // PAR_INVALID_IDENTIFIER_NAME
            | 0x263D // PAR_INVALID_TAGS_LENGTH
            | 0x263E // PAR_INVALID_ROW_LENGTH
            | 0x2642 // PAR_INVALID_VAR_COLUMN_LEN
            | 0x2653 // PAR_VALUE_TOO_LONG
            | 0x3002 // SML_INVALID_DATA
            | 0x3004 // SML_NOT_SAME_TYPE
            | 0x3006 // SML_NOT_SUPPORT_PK
    )
}

/// The WebSocket client reports transport failures with code 0xFFFF or 0
/// and a message; recognise the ones that are worth a retry.
fn looks_like_transport_failure(message: &str) -> bool {
    let m = message.to_ascii_lowercase();
    [
        "connection refused",
        "connection reset",
        "broken pipe",
        "timed out",
        "timeout",
        "websocket",
        "io error",
        "unable to establish connection",
        "connection closed",
        "network",
    ]
    .iter()
    .any(|needle| m.contains(needle))
}

impl fmt::Display for TdError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TdError::Data { index, message } => write!(f, "record #{index}: {message}"),
            TdError::Rejected(m) | TdError::Refused(m) | TdError::Retriable(m) => write!(f, "{m}"),
            TdError::Fatal { message, .. } => write!(f, "{message}"),
        }
    }
}

impl std::error::Error for TdError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn network_codes_are_retriable() {
        assert!(is_retriable_code(0x0018)); // broken link
        assert!(is_retriable_code(0x0396)); // database in creating status
        assert!(!is_retriable_code(0x0357)); // authentication failure
        assert!(!is_retriable_code(0x0388)); // database does not exist
        assert!(!is_retriable_code(0x2600)); // syntax error
        assert!(!is_retriable_code(0x2616)); // database not specified
    }

    #[test]
    fn rejected_data_is_neither_retriable_nor_fatal() {
        for code in [0x3002, 0x3004, 0x060B, 0x2653] {
            assert!(is_data_code(code) && !is_retriable_code(code), "{code:x}");
        }
        assert!(!is_data_code(0x3000)); // invalid protocol: configuration
        assert!(!is_data_code(0x3001)); // invalid precision: configuration
    }

    #[test]
    fn unknown_codes_are_refusals_and_global_ones_fatal() {
        let refused = |code: i32| TdError::from_taos("w", taos::Error::new(code, "x")).is_refusal();
        assert!(refused(0x0215 + 0x1000)); // some code nobody listed
        assert!(refused(0x021F)); // too long a key: data
        assert!(!refused(0x0357)); // authentication failure
        assert!(!refused(0x0388)); // database does not exist
        assert!(!refused(0xE002)); // ws connection closed: transient
        assert!(matches!(
            TdError::from_taos("w", taos::Error::new(0xE002, "closed")),
            TdError::Retriable(_)
        ));
    }

    #[test]
    fn long_server_messages_are_cut() {
        let text = "x".repeat(10_000);
        let short = shortened(&text);
        assert!(
            short.len() < 400 && short.ends_with("(9700 more bytes)"),
            "{short}"
        );
        assert_eq!(shortened("short"), "short");
    }

    #[test]
    fn transport_messages_are_recognised() {
        assert!(looks_like_transport_failure(
            "Connection refused (os error 111)"
        ));
        assert!(!looks_like_transport_failure("Invalid data format"));
    }

    #[test]
    fn display_names_the_record() {
        assert_eq!(TdError::data(7, "bad").to_string(), "record #7: bad");
    }
}
