//! Natives of `io.tdconnect.jni.TdNative`: a few coarse calls per batch.

use jni::objects::{JByteBuffer, JClass, JString};
use jni::sys::{jboolean, jint, jlong};
use jni::EnvUnowned;
use tdconnect_core::sink::config::SinkConfig;
use tdconnect_core::sink::pipeline::PipelinedSink;
use tdconnect_core::{TdError, ABI_VERSION};

use crate::boundary::{direct_bytes, install_panic_hook, BoundaryResult, ThrowConnectException};
use crate::handles::Registry;

static SINKS: Registry<PipelinedSink> = Registry::new();

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
        let writer = PipelinedSink::open(SinkConfig::from_json(&json)?)?;
        Ok(SINKS.insert(writer))
    })
    .resolve::<ThrowConnectException>()
}

/// Checks a sink configuration without connecting: None when it is
/// usable, else what is wrong (for `validate()`).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sinkCheckConfig<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    config_json: JString<'l>,
) -> JString<'l> {
    env.with_env(|env| -> BoundaryResult<JString<'l>> {
        install_panic_hook();
        let json = config_json.try_to_string(env)?;
        match SinkConfig::from_json(&json) {
            Ok(_) => Ok(JString::null()),
            Err(e) => Ok(env.new_string(e.to_string())?),
        }
    })
    .resolve::<ThrowConnectException>()
}

/// Writes the first `length` bytes of a direct buffer holding one batch;
/// returns the number of rows TDengine acknowledged. `seq` numbers the
/// writes of a handle from 0; `pipelined`: the write before it was still
/// in flight when this one was submitted (see `sink::pipeline`).
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sinkWrite<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    batch: JByteBuffer<'l>,
    length: jint,
    seq: jlong,
    pipelined: jboolean,
) -> jint {
    env.with_env(|env| -> BoundaryResult<jint> {
        // Copied: should the shim give up on this call (a write past its
        // deadline), it may reuse the buffer while the call still runs.
        let bytes = direct_bytes(env, &batch, length)?.to_vec();
        let writer = SINKS.get(handle)?;
        let seq = u64::try_from(seq).map_err(|_| TdError::fatal("negative write number"))?;
        let rows = writer.write(seq, pipelined, &bytes)?;
        Ok(jint::try_from(rows).unwrap_or(jint::MAX))
    })
    .resolve::<ThrowConnectException>()
}

/// Releases the writer; closing twice or closing 0 is a no-op. Never
/// waits: the writer is dropped on a thread of its own (closing a native
/// connection to a frozen server can block), or by a write still running
/// on it once that ends.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sinkClose<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) {
    env.with_env(|_env| -> BoundaryResult<()> {
        if let Some(writer) = SINKS.remove(handle) {
            writer.close();
            let _ = std::thread::Builder::new()
                .name("tdconnect-sink-close".into())
                .spawn(move || drop(writer));
        }
        Ok(())
    })
    .resolve::<ThrowConnectException>()
}
