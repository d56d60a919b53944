//! Natives that ask the configured server about itself: `validate()`'s
//! checks and the version a task logs when it starts.

use jni::objects::{JClass, JString};
use jni::sys::jboolean;
use jni::EnvUnowned;
use tdconnect_core::config::ConnectionConfig;
use tdconnect_core::probe::{self, Expect};
use tdconnect_core::TdError;

use crate::boundary::{install_panic_hook, BoundaryResult, ThrowConnectException};

/// Checks the server within a few seconds: `key<TAB>problem` lines, one per
/// finding (empty when all is as configured). `database` may be null;
/// `stables` is one name per line.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_checkServer<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    connection_json: JString<'l>,
    database: JString<'l>,
    may_create_database: jboolean,
    stables: JString<'l>,
) -> JString<'l> {
    env.with_env(|env| -> BoundaryResult<JString<'l>> {
        install_panic_hook();
        let cfg: ConnectionConfig = serde_json::from_str(&connection_json.try_to_string(env)?)
            .map_err(|e| TdError::fatal(format!("connection JSON from the shim: {e}")))?;
        let database = if database.is_null() {
            None
        } else {
            Some(database.try_to_string(env)?).filter(|d| !d.is_empty())
        };
        let stables = stables.try_to_string(env)?;
        let expect = Expect {
            database,
            may_create_database,
            stables: stables
                .lines()
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        let lines: Vec<String> = probe::check(&cfg, expect)
            .into_iter()
            .map(|(key, problem)| format!("{key}\t{}", problem.replace('\n', " ")))
            .collect();
        Ok(env.new_string(lines.join("\n"))?)
    })
    .resolve::<ThrowConnectException>()
}

/// The server's version, or null when it does not answer within seconds.
#[unsafe(no_mangle)]
pub extern "system" fn Java_io_tdconnect_jni_TdNative_serverVersion<'l>(
    mut env: EnvUnowned<'l>,
    _class: JClass<'l>,
    connection_json: JString<'l>,
) -> JString<'l> {
    env.with_env(|env| -> BoundaryResult<JString<'l>> {
        install_panic_hook();
        let cfg: ConnectionConfig = serde_json::from_str(&connection_json.try_to_string(env)?)
            .map_err(|e| TdError::fatal(format!("connection JSON from the shim: {e}")))?;
        match probe::server_version(&cfg) {
            Some(v) => Ok(env.new_string(v)?),
            None => Ok(JString::null()),
        }
    })
    .resolve::<ThrowConnectException>()
}
