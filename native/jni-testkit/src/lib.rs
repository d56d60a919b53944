//! Test-only natives of `io.tdconnect.jni.TestHooks` (a class in the Java
//! test sources). Built from the same boundary code as the shipped library,
//! but never packaged.

#[path = "../../jni/src/boundary.rs"]
mod boundary;

use std::time::{Duration, Instant};

use boundary::{direct_bytes, install_panic_hook, BoundaryResult, ThrowConnectException};
use jni::objects::{JByteBuffer, JClass, JString};
use jni::sys::{jint, jlong};
use jni::EnvUnowned;
use tdconnect_core::batch::{self, Value};
use tdconnect_core::config::ConnectionConfig;
use tdconnect_core::sink::structured::value::decode_fields;
use tdconnect_core::{connection, TdError};

/// Panics inside an entry point, to prove the JVM survives it.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TestHooks_panicNow<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    message: JString<'l>,
) {
    env.with_env(|env| -> BoundaryResult<()> {
        install_panic_hook();
        let message = message.try_to_string(env)?;
        panic!("{message}");
    })
    .resolve::<ThrowConnectException>()
}

/// Fails with the requested error kind: 0 data (index 42), 1 retriable, 2 fatal.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TestHooks_failWith<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    kind: jint,
    message: JString<'l>,
) -> jint {
    env.with_env(|env| -> BoundaryResult<jint> {
        let message = message.try_to_string(env)?;
        Err(match kind {
            0 => TdError::data(42, message),
            1 => TdError::Retriable(message),
            _ => TdError::fatal(message),
        }
        .into())
    })
    .resolve::<ThrowConnectException>()
}

/// Decodes a batch as `sinkWrite` does before writing (frame, then the
/// fields of structured records) and returns the number of records: the
/// native half of the encode + JNI + decode microbenchmark.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TestHooks_decodeBatch<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    buffer: JByteBuffer<'l>,
    length: jint,
) -> jint {
    env.with_env(|env| -> BoundaryResult<jint> {
        let decoded = batch::decode(direct_bytes(env, &buffer, length)?)?;
        let mut fields = 0;
        for (i, record) in decoded.records.iter().enumerate() {
            if let Value::Structured(payload) = record.value {
                fields += decode_fields(i, payload)?.len();
            }
        }
        std::hint::black_box(fields);
        Ok(jint::try_from(decoded.records.len()).unwrap_or(jint::MAX))
    })
    .resolve::<ThrowConnectException>()
}

/// Runs a query whose first row's first column is an integer (e.g.
/// `select count(*) ...`) and returns it; -1 when there is no row.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TestHooks_queryLong<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    connection_json: JString<'l>,
    sql: JString<'l>,
) -> jlong {
    env.with_env(|env| -> BoundaryResult<jlong> {
        let (taos, sql) = connect_for(env, &connection_json, &sql)?;
        let rows = taos.query_rows(sql.clone()).map_err(|e| e.into_td(&sql))?;
        Ok(first_long(&rows).unwrap_or(-1))
    })
    .resolve::<ThrowConnectException>()
}

/// Polls a query like [`queryLong`] on one connection every `interval_ms`
/// until its value is at least `at_least` or `timeout_ms` passed; returns the
/// last value (-1: no row yet, or the query failed, e.g. the table is not
/// created yet). One connection for the whole wait keeps a benchmark's
/// progress checks from costing TDengine a login each.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TestHooks_awaitLong<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    connection_json: JString<'l>,
    sql: JString<'l>,
    at_least: jlong,
    interval_ms: jlong,
    timeout_ms: jlong,
) -> jlong {
    env.with_env(|env| -> BoundaryResult<jlong> {
        let (taos, sql) = connect_for(env, &connection_json, &sql)?;
        let interval = Duration::from_millis(u64::try_from(interval_ms).unwrap_or(0));
        let deadline =
            Instant::now() + Duration::from_millis(u64::try_from(timeout_ms).unwrap_or(0));
        loop {
            let value = match taos.query_rows(sql.clone()) {
                Ok(rows) => first_long(&rows).unwrap_or(-1),
                Err(_) => -1,
            };
            if value >= at_least || Instant::now() >= deadline {
                return Ok(value);
            }
            std::thread::sleep(interval);
        }
    })
    .resolve::<ThrowConnectException>()
}

/// Runs one statement (DDL, insert) for test setup and teardown.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TestHooks_exec<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    connection_json: JString<'l>,
    sql: JString<'l>,
) {
    env.with_env(|env| -> BoundaryResult<()> {
        let (taos, sql) = connect_for(env, &connection_json, &sql)?;
        taos.exec(sql.clone()).map_err(|e| e.into_td(&sql))?;
        Ok(())
    })
    .resolve::<ThrowConnectException>()
}

/// The first column of the first row as an integer; None for no row or NULL.
fn first_long(rows: &[Vec<taos::Value>]) -> Option<i64> {
    let v = rows.first()?.first()?;
    if v.is_null() {
        return None;
    }
    v.to_string().ok()?.parse().ok()
}

/// Connects with a connection JSON (as `ConnectionConfigs` writes it) and reads the SQL.
fn connect_for(
    env: &mut jni::Env<'_>,
    connection_json: &JString<'_>,
    sql: &JString<'_>,
) -> BoundaryResult<(connection::Conn, String)> {
    let cfg: ConnectionConfig = serde_json::from_str(&connection_json.try_to_string(env)?)
        .map_err(|e| TdError::fatal(format!("connection json: {e}")))?;
    Ok((connection::connect(&cfg, None)?, sql.try_to_string(env)?))
}
