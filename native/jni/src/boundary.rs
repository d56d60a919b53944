//! The JNI boundary's single error mapping. Every entry point runs its body
//! through [`jni::EnvUnowned::with_env`] (which catches panics) and resolves
//! the outcome with [`ThrowConnectException`]:
//!
//! | Rust                        | Java                                              |
//! |-----------------------------|---------------------------------------------------|
//! | `TdError::Data{index,..}`   | `io.tdconnect.jni.NativeDataException` (index)    |
//! | `TdError::Retriable`        | `org.apache.kafka.connect.errors.RetriableException` |
//! | `TdError::Rejected`/`Refused` | `ConnectException` (refused, no record to blame) |
//! | `TdError::Fatal`            | `org.apache.kafka.connect.errors.ConnectException` (+ backtrace) |
//! | JNI failure                 | `ConnectException`                                |
//! | panic                       | `io.tdconnect.jni.NativePanicException` (+ backtrace) |
//!
//! This file is also compiled into the test-only testkit library (by path),
//! so the panic test exercises exactly this code.

use std::backtrace::Backtrace;
use std::cell::RefCell;
use std::fmt;
use std::sync::Once;

use jni::errors::ErrorPolicy;
use jni::objects::{JByteBuffer, JThrowable, JValue};
use jni::{jni_sig, jni_str, Env};
use tdconnect_core::TdError;

/// What an entry point's body can fail with.
#[derive(Debug)]
pub enum BoundaryError {
    Td(TdError),
    Jni(jni::errors::Error),
}

impl From<TdError> for BoundaryError {
    fn from(e: TdError) -> Self {
        BoundaryError::Td(e)
    }
}

impl From<jni::errors::Error> for BoundaryError {
    fn from(e: jni::errors::Error) -> Self {
        BoundaryError::Jni(e)
    }
}

impl fmt::Display for BoundaryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BoundaryError::Td(e) => write!(f, "{e}"),
            BoundaryError::Jni(e) => write!(f, "JNI error: {e}"),
        }
    }
}

impl std::error::Error for BoundaryError {}

pub type BoundaryResult<T> = Result<T, BoundaryError>;

/// The first `length` bytes of a direct buffer, checked against its capacity.
///
/// The slice may only be used during the native call the buffer was passed
/// to: the JVM keeps an argument's buffer alive until the call returns.
pub fn direct_bytes<'b>(
    env: &Env<'_>,
    buffer: &JByteBuffer<'_>,
    length: i32,
) -> BoundaryResult<&'b [u8]> {
    let addr = env.get_direct_buffer_address(buffer)?;
    let capacity = env.get_direct_buffer_capacity(buffer)?;
    let length = usize::try_from(length)
        .ok()
        .filter(|l| *l <= capacity && !addr.is_null())
        .ok_or_else(|| {
            TdError::fatal(format!(
                "batch length {length} outside direct buffer of {capacity} bytes"
            ))
        })?;
    // SAFETY: the address is non-null, `length` is within the buffer's
    // capacity, and the caller uses the slice only during the native call.
    Ok(unsafe { std::slice::from_raw_parts(addr as *const u8, length) })
}

/// The error policy every entry point resolves with.
#[derive(Debug, Default)]
pub struct ThrowConnectException;

impl<T: Default> ErrorPolicy<T, BoundaryError> for ThrowConnectException {
    type Captures<'unowned_env_local: 'native_method, 'native_method> = ();

    fn on_error<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut (),
        err: BoundaryError,
    ) -> jni::errors::Result<T> {
        if env.exception_check() {
            // A Java exception is already pending (e.g. from a JNI call); it wins.
            return Ok(T::default());
        }
        match err {
            BoundaryError::Td(TdError::Data { index, message }) => {
                throw_data_exception(env, index, &message)?
            }
            BoundaryError::Td(TdError::Retriable(message)) => throw(env, RETRIABLE, &message)?,
            // Only reaches here when no single record could be blamed.
            BoundaryError::Td(TdError::Rejected(message) | TdError::Refused(message)) => {
                throw(env, CONNECT, &message)?
            }
            BoundaryError::Td(fatal @ TdError::Fatal { .. }) => {
                throw(env, CONNECT, &fatal.with_backtrace())?
            }
            BoundaryError::Jni(e) => {
                throw(env, CONNECT, &format!("tdconnect native: JNI error: {e}"))?
            }
        }
        Ok(T::default())
    }

    fn on_panic<'unowned_env_local: 'native_method, 'native_method>(
        env: &mut Env<'unowned_env_local>,
        _cap: &mut (),
        payload: Box<dyn std::any::Any + Send + 'static>,
    ) -> jni::errors::Result<T> {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic payload".to_owned());
        // The payload is dropped with the closure's frame; leak it if its drop
        // could panic again (it cannot for &str/String, the only ones we raise).
        let location = LAST_PANIC
            .with(|p| p.borrow_mut().take())
            .unwrap_or_default();
        if !env.exception_check() {
            throw(
                env,
                PANIC,
                &format!("tdconnect native code panicked: {what}\n{location}"),
            )?;
        }
        Ok(T::default())
    }
}

const CONNECT: &str = "org/apache/kafka/connect/errors/ConnectException";
const RETRIABLE: &str = "org/apache/kafka/connect/errors/RetriableException";
const PANIC: &str = "io/tdconnect/jni/NativePanicException";

fn throw(env: &mut Env<'_>, class: &str, message: &str) -> jni::errors::Result<()> {
    let class = jni::strings::JNIString::from(class);
    let message = jni::strings::JNIString::from(message);
    match env.throw_new(class, message) {
        // Err(JavaException) only says the throw worked and is now pending.
        Err(jni::errors::Error::JavaException) => Ok(()),
        other => other,
    }
}

fn throw_data_exception(env: &mut Env<'_>, index: usize, message: &str) -> jni::errors::Result<()> {
    let text = env.new_string(message)?;
    let index = i32::try_from(index).unwrap_or(i32::MAX);
    let obj = env.new_object(
        jni_str!("io/tdconnect/jni/NativeDataException"),
        jni_sig!("(ILjava/lang/String;)V"),
        &[JValue::Int(index), JValue::Object(&text)],
    )?;
    let throwable = env.cast_local::<JThrowable>(obj)?;
    match env.throw(throwable) {
        Err(jni::errors::Error::JavaException) => Ok(()),
        other => other,
    }
}

thread_local! {
    /// Location and backtrace of the last panic on this thread, recorded by
    /// the hook below and consumed by `on_panic`.
    static LAST_PANIC: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs (once) a panic hook that records where a panic happened instead
/// of printing to the worker's stderr; the Java exception carries it.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            let location = info
                .location()
                .map(|l| format!("at {}:{}", l.file(), l.line()))
                .unwrap_or_default();
            let text = format!(
                "{location}\nnative backtrace:\n{}",
                Backtrace::force_capture()
            );
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(text));
        }));
    });
}
