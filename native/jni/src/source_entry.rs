//! Source natives of `io.tdconnect.jni.TdNative`: open a reader, position it,
//! poll whole TMQ messages, commit what Kafka acknowledged, close.

use jni::objects::{JByteArray, JClass, JString};
use jni::sys::{jboolean, jint, jlong};
use jni::EnvUnowned;
use std::sync::Mutex;
use tdconnect_core::config::ConnectionConfig;
use tdconnect_core::source::config::SourceConfig;
use tdconnect_core::source::task_reader::TaskReader;
use tdconnect_core::source::{discover, output};
use tdconnect_core::TdError;

use crate::boundary::{install_panic_hook, BoundaryResult, ThrowConnectException};
use crate::handles::{lock, Registry};

static SOURCES: Registry<Mutex<TaskReader>> = Registry::new();

/// Runs `f` on the reader behind `handle`.
fn on_reader<T>(
    handle: jlong,
    f: impl FnOnce(&mut TaskReader) -> Result<T, TdError>,
) -> BoundaryResult<T> {
    let reader = SOURCES.get(handle)?;
    let mut guard = lock(&reader)?;
    Ok(f(&mut guard)?)
}

fn json_error(e: serde_json::Error) -> TdError {
    TdError::fatal(format!("JSON from the shim: {e}"))
}

/// Super tables of `database` (and its normal tables when `with_normal`),
/// one per line, for the connector to share out.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sourceTables<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    connection_json: JString<'l>,
    database: JString<'l>,
    with_normal: jboolean,
) -> JString<'l> {
    env.with_env(|env| -> BoundaryResult<JString<'l>> {
        install_panic_hook();
        let connection: ConnectionConfig =
            serde_json::from_str(&connection_json.try_to_string(env)?).map_err(json_error)?;
        let names = discover::tables(&connection, &database.try_to_string(env)?, with_normal)?;
        Ok(env.new_string(names.join("\n"))?)
    })
    .resolve::<ThrowConnectException>()
}

/// Creates the TMQ topics and subscribes; returns the reader's handle.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sourceOpen<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    config_json: JString<'l>,
) -> jlong {
    env.with_env(|env| -> BoundaryResult<jlong> {
        install_panic_hook();
        let config = SourceConfig::from_json(&config_json.try_to_string(env)?)?;
        Ok(SOURCES.insert(Mutex::new(TaskReader::open(config)?)))
    })
    .resolve::<ThrowConnectException>()
}

/// The source partitions the reader may produce, a line each (see
/// source/task_reader.rs), to look up stored offsets.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sourceAssignments<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> JString<'l> {
    env.with_env(|env| -> BoundaryResult<JString<'l>> {
        let lines = on_reader(handle, |r| r.partitions())?;
        Ok(env.new_string(lines.join("\n"))?)
    })
    .resolve::<ThrowConnectException>()
}

/// Positions the reader at the stored offsets (lines, see
/// source/task_reader.rs); returns warnings, one per line.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sourceStart<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    stored_lines: JString<'l>,
) -> JString<'l> {
    env.with_env(|env| -> BoundaryResult<JString<'l>> {
        let stored = stored_lines.try_to_string(env)?;
        let warnings = on_reader(handle, |r| r.start(&stored))?;
        Ok(env.new_string(warnings.join("\n"))?)
    })
    .resolve::<ThrowConnectException>()
}

/// The next records (see source/output.rs), or null when nothing arrived:
/// one TMQ message (waiting up to `wait_ms`) or one query page.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sourcePoll<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    wait_ms: jint,
) -> JByteArray<'l> {
    env.with_env(|env| -> BoundaryResult<JByteArray<'l>> {
        let wait = std::time::Duration::from_millis(u64::try_from(wait_ms).unwrap_or(0));
        match on_reader(handle, |r| r.poll(wait))? {
            Some(polled) if !polled.rows.is_empty() => {
                Ok(env.byte_array_from_slice(&output::encode(&polled))?)
            }
            _ => Ok(JByteArray::null()),
        }
    })
    .resolve::<ThrowConnectException>()
}

/// Lag, time behind, WAL retention and new warnings, as `key=value` lines.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sourceStats<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> JString<'l> {
    env.with_env(|env| -> BoundaryResult<JString<'l>> {
        let stats = on_reader(handle, |r| Ok(r.stats()))?;
        Ok(env.new_string(stats)?)
    })
    .resolve::<ThrowConnectException>()
}

/// Kafka acknowledged the vgroup's records before `offset`.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sourceCommit<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    topic: JString<'l>,
    vgroup: jint,
    offset: jlong,
) {
    env.with_env(|env| -> BoundaryResult<()> {
        let topic = topic.try_to_string(env)?;
        on_reader(handle, |r| {
            r.commit(&topic, vgroup, offset);
            Ok(())
        })
    })
    .resolve::<ThrowConnectException>()
}

/// Commits what is pending and releases the reader; idempotent.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sourceClose<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) {
    env.with_env(|_env| -> BoundaryResult<()> {
        // Only the last reference closes cleanly; a poisoned reader is just
        // dropped. Never waits on TDengine: the last commits run on a thread of their own.
        if let Some(Ok(mutex)) = SOURCES.remove(handle).map(std::sync::Arc::try_unwrap) {
            if let Ok(reader) = mutex.into_inner() {
                let _ = std::thread::Builder::new()
                    .name("tdconnect-source-close".into())
                    .spawn(move || reader.close());
            }
        }
        Ok(())
    })
    .resolve::<ThrowConnectException>()
}
