//! tdconnect core: everything the connector does natively that is not JNI —
//! decoding the batch buffer the Java shim sends, converting records and
//! writing them to TDengine through the `taos` crate.

pub mod batch;
pub mod config;
pub mod connection;
pub mod deadline;
pub mod decimal;
pub mod error;
pub mod fasthash;
pub mod nodelay;
pub mod probe;
pub mod sink;
pub mod source;
pub mod sql;
pub mod stmt2;
pub mod tls;

pub use error::{TdError, TdResult};

/// Version of the contract between the Java shim and this library (natives,
/// config JSON and batch buffer format). The shim refuses a library whose
/// version differs from its own.
pub const ABI_VERSION: i32 = 11;
