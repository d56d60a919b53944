//! Source natives of `io.tdconnect.jni.TdNative`: open a reader, position it,
//! poll whole TMQ messages, commit what Kafka acknowledged, close.

use jni::objects::{JByteArray, JClass, JString};
use jni::sys::{jint, jlong};
use jni::EnvUnowned;
use tdconnect_core::config::ConnectionConfig;
use tdconnect_core::source::config::SourceConfig;
use tdconnect_core::source::reader::{SourceReader, StartAt};
use tdconnect_core::source::{discover, output};
use tdconnect_core::TdError;

use crate::boundary::{install_panic_hook, BoundaryResult, ThrowConnectException};
use crate::handles::{lock, Registry};

static SOURCES: Registry<SourceReader> = Registry::new();

/// Runs `f` on the reader behind `handle`.
fn on_reader<T>(
    handle: jlong,
    f: impl FnOnce(&mut SourceReader) -> Result<T, TdError>,
) -> BoundaryResult<T> {
    let reader = SOURCES.get(handle)?;
    let mut guard = lock(&reader)?;
    Ok(f(&mut guard)?)
}

fn json_error(e: serde_json::Error) -> TdError {
    TdError::fatal(format!("JSON from the shim: {e}"))
}

fn parse_stored(lines: &str) -> Result<Vec<StartAt>, TdError> {
    let bad = |line: &str| TdError::fatal(format!("stored offset line from the shim: '{line}'"));
    lines
        .lines()
        .filter(|l| !l.is_empty())
        .map(|line| {
            let parts: Vec<&str> = line.split('\t').collect();
            match parts.as_slice() {
                [topic, vgroup, offset, skip] => Ok(StartAt {
                    topic: (*topic).to_owned(),
                    vgroup: vgroup.parse().map_err(|_| bad(line))?,
                    offset: offset.parse().map_err(|_| bad(line))?,
                    skip: skip.parse().map_err(|_| bad(line))?,
                }),
                _ => Err(bad(line)),
            }
        })
        .collect()
}

/// Super tables of `database`, one per line, for the connector to share out.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sourceSuperTables<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    connection_json: JString<'l>,
    database: JString<'l>,
) -> JString<'l> {
    env.with_env(|env| -> BoundaryResult<JString<'l>> {
        install_panic_hook();
        let connection: ConnectionConfig =
            serde_json::from_str(&connection_json.try_to_string(env)?).map_err(json_error)?;
        let names = discover::super_tables(&connection, &database.try_to_string(env)?)?;
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
        Ok(SOURCES.insert(SourceReader::open(config)?))
    })
    .resolve::<ThrowConnectException>()
}

/// The (TMQ topic, vgroup)s the reader may be given, a `topic<TAB>vgroup`
/// line each, to look up stored offsets.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sourceAssignments<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
) -> JString<'l> {
    env.with_env(|env| -> BoundaryResult<JString<'l>> {
        let lines: Vec<String> = on_reader(handle, |r| r.partitions())?
            .iter()
            .map(|(topic, vgroup)| format!("{topic}\t{vgroup}"))
            .collect();
        Ok(env.new_string(lines.join("\n"))?)
    })
    .resolve::<ThrowConnectException>()
}

/// Positions every vgroup at its stored offset (`topic<TAB>vgroup<TAB>offset<TAB>skip`
/// lines) or per `subscription.from`; returns warnings, one per line.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sourceStart<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    stored_lines: JString<'l>,
) -> JString<'l> {
    env.with_env(|env| -> BoundaryResult<JString<'l>> {
        let stored = parse_stored(&stored_lines.try_to_string(env)?)?;
        let warnings = on_reader(handle, |r| r.start(&stored))?;
        Ok(env.new_string(warnings.join("\n"))?)
    })
    .resolve::<ThrowConnectException>()
}

/// Waits up to `wait_ms` for one TMQ message; its records (see
/// source/output.rs), or null when nothing arrived.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_sourcePoll<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    handle: jlong,
    wait_ms: jint,
) -> JByteArray<'l> {
    env.with_env(|env| -> BoundaryResult<JByteArray<'l>> {
        let wait = std::time::Duration::from_millis(u64::try_from(wait_ms).unwrap_or(0));
        let records = on_reader(handle, |r| r.poll(wait))?;
        if records.is_empty() {
            return Ok(JByteArray::null());
        }
        Ok(env.byte_array_from_slice(&output::encode(&records))?)
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
        // Only the last reference closes cleanly; a poisoned reader is just dropped.
        if let Some(Ok(mutex)) = SOURCES.remove(handle).map(std::sync::Arc::try_unwrap) {
            if let Ok(reader) = mutex.into_inner() {
                reader.close();
            }
        }
        Ok(())
    })
    .resolve::<ThrowConnectException>()
}
