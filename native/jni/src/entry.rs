//! Natives of `io.tdconnect.jni.TdNative`: a few coarse calls per batch.

use jni::objects::{JByteBuffer, JClass, JString};
use jni::sys::{jint, jlong};
use jni::EnvUnowned;
use tdconnect_core::config::SinkConfig;
use tdconnect_core::sink::SinkWriter;
use tdconnect_core::{TdError, ABI_VERSION};

use crate::boundary::{install_panic_hook, BoundaryResult, ThrowConnectException};
use crate::handles::{lock, Registry};

static SINKS: Registry<SinkWriter> = Registry::new();

#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_abiVersion<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
) -> jint {
    env.with_env(|_env| -> BoundaryResult<jint> {
        install_panic_hook();
        Ok(ABI_VERSION)
    })
    .resolve::<ThrowConnectException>()
}

/// Opens a sink writer from the JSON config; returns its handle.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sinkOpen<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    config_json: JString<'l>,
) -> jlong {
    env.with_env(|env| -> BoundaryResult<jlong> {
        install_panic_hook();
        let json = config_json.try_to_string(env)?;
        let writer = SinkWriter::open(SinkConfig::from_json(&json)?)?;
        Ok(SINKS.insert(writer))
    })
    .resolve::<ThrowConnectException>()
}

/// Writes the first `length` bytes of a direct buffer holding one batch;
/// returns the number of rows TDengine acknowledged.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sinkWrite<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    batch: JByteBuffer<'l>,
    length: jint,
) -> jint {
    env.with_env(|env| -> BoundaryResult<jint> {
        let addr = env.get_direct_buffer_address(&batch)?;
        let capacity = env.get_direct_buffer_capacity(&batch)?;
        let length = usize::try_from(length)
            .ok()
            .filter(|l| *l <= capacity && !addr.is_null())
            .ok_or_else(|| {
                TdError::fatal(format!(
                    "batch length {length} outside direct buffer of {capacity} bytes"
                ))
            })?;
        // SAFETY: the JVM keeps the direct buffer alive for this call (it is an
        // argument) and `length` was checked against its capacity above.
        let bytes = unsafe { std::slice::from_raw_parts(addr as *const u8, length) };
        let writer = SINKS.get(handle)?;
        let rows = lock(&writer)?.write(bytes)?;
        Ok(jint::try_from(rows).unwrap_or(jint::MAX))
    })
    .resolve::<ThrowConnectException>()
}

/// Makes everything written so far durable in TDengine. Writes are
/// synchronous today, so there is nothing buffered to push.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sinkFlush<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) {
    env.with_env(|_env| -> BoundaryResult<()> {
        SINKS.get(handle)?;
        Ok(())
    })
    .resolve::<ThrowConnectException>()
}

/// Releases the writer; closing twice or closing 0 is a no-op.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sinkClose<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) {
    env.with_env(|_env| -> BoundaryResult<()> {
        drop(SINKS.remove(handle));
        Ok(())
    })
    .resolve::<ThrowConnectException>()
}
