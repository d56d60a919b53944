//! Differential test of `write.path=native` (TDengine-backed): one corpus of
//! line protocol written by TDengine's own schemaless insert into one
//! database and through the connector's native path into another; super
//! tables, their DESCRIBE, child table names and every row must be the same.
//! Runs against the server in TDENGINE_DSN (a ws:// URL); prints one line
//! saying it ran or why it was skipped.

use std::io::Write;

use tdconnect_core::batch::{self, Batch, Record, Value};
use tdconnect_core::config::ConnectionConfig;
use tdconnect_core::connection;
use tdconnect_core::sink::config::SinkConfig;
use tdconnect_core::sink::SinkWriter;
use tdconnect_core::TdError;

/// Printed around libtest's capture, so the suite's summary counts it.
fn say(line: &str) {
    let _ = writeln!(std::io::stdout().lock(), "{line}");
}

fn connection() -> Option<ConnectionConfig> {
    let dsn = std::env::var("TDENGINE_DSN")
        .ok()
        .filter(|d| d.starts_with("ws"))?;
    Some(ConnectionConfig {
        dsn,
        user: std::env::var("TDENGINE_USER").unwrap_or_else(|_| "root".into()),
        password: std::env::var("TDENGINE_PASSWORD").unwrap_or_else(|_| "taosdata".into()),
        native_library: None,
        tls_ca_file: None,
        tls_verify_hostname: true,
        attempts: 3,
        backoff_ms: 1000,
        request_timeout_ms: 30_000,
    })
}

/// Lines of every kind the native parser takes on, and some it leaves to
/// the server (they must come out the same as well).
fn corpus(ts: &dyn Fn(i64) -> i64) -> Vec<String> {
    let mut lines = Vec::new();
    for i in 0..30i64 {
        lines.push(format!(
            "meters,location=California.SanFrancisco,groupid={} current={}.{},voltage={}i,phase=0.{}f32 {}",
            i % 3,
            10 + i % 7,
            i % 10,
            200 + i,
            i % 9,
            ts(i)
        ));
    }
    lines.extend([
        format!(r#"my\ meter,loc\,x=a\ b\,c\=d,site=中文 v\=1=1i8,name="say \"hi\"",wide=L"é中" {}"#, ts(1)),
        format!("types,t=all a=1i8,b=2i16,c=3i32,d=4i64,e=5i,f=6u8,g=7u16,h=8u32,i=9u64,j=10u,k=1.5f32,l=2.5f64,m=3,n=-0.25 {}", ts(2)),
        format!("types,t=all a=-128i8,b=1.9i16,c=1e5i32,k=3.4e38f32,m=1e300 {}", ts(3)),
        format!("bools,t=x a=t,b=T,c=true,d=TRUE,e=f,f=F,g=false,h=False {}", ts(4)),
        format!("cpu.load,host=h1 v=1 {}", ts(5)),
        format!("grow,t=1 s=\"ab\" {}", ts(6)),
        format!("grow,t=1 s=\"abcdefghijklmnopq\",late=1i {}", ts(7)),
        format!("grow,t=2,newtag=late s=\"x\" {}", ts(8)),
        format!("grow,t=1 late=2i {}", ts(9)),
        // Same timestamp, same child table: merged column by column, later wins.
        format!("same,t=1 a=1i,b=1i {}", ts(10)),
        format!("same,t=1 a=2i {}", ts(10)),
        format!("same,t=1 c=\"c\" {}", ts(10)),
        // Left to the server: strtoll on 1e3, a run of backslashes, no tags.
        format!("fallback,t=1 v=1e3i {}", ts(11)),
        format!(r#"fallback,t=a\\b v=2i {}"#, ts(12)),
        format!("notags v=3i {}", ts(13)),
        // Native again after the fallbacks, into a table made by them.
        format!("fallback,t=1 v=4i {}", ts(14)),
        format!("Case,Tag=1,tag2=2 Val=1i,val2=2i {}", ts(15)),
    ]);
    lines
}

fn write(config: &SinkConfig, lines: &[String]) -> Result<usize, TdError> {
    let batch = Batch {
        topics: vec!["diff"],
        records: lines
            .iter()
            .map(|l| Record {
                topic: 0,
                partition: 0,
                timestamp: None,
                key: None,
                value: Value::Text(l),
            })
            .collect(),
    };
    let mut writer = SinkWriter::open(config.clone())?;
    writer.write(&batch::encode(&batch))
}

fn sink(conn: &ConnectionConfig, db: &str, precision: &str, native: bool) -> SinkConfig {
    let json = serde_json::json!({
        "connection": {"dsn": conn.dsn, "user": conn.user, "password": conn.password, "attempts": 3,
                       "backoff_ms": 1000, "request_timeout_ms": 30000},
        "database": db, "protocol": "line", "precision": precision, "batch_size": 10000,
        "write_path": if native { "native" } else { "schemaless" },
        // Rows are bound (stmt2) where the server has it (3.3.5 on), else SQL.
        "write_binding": true,
    });
    SinkConfig::from_json(&json.to_string()).expect("sink config")
}

/// Everything about a database's tables, as text.
fn snapshot(conn: &ConnectionConfig, db: &str) -> Vec<String> {
    let c = connection::connect(conn, None).expect("connect");
    let text = |sql: String| -> Vec<String> {
        connection::rows(&c, sql.clone(), &sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
            .iter()
            .map(|r| {
                r.iter()
                    .map(|v| v.to_string().unwrap_or_else(|_| "?".into()))
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect()
    };
    let mut out = Vec::new();
    let mut stables = text(format!(
        "SELECT stable_name FROM information_schema.ins_stables WHERE db_name = '{db}'"
    ));
    stables.sort();
    for s in &stables {
        out.push(format!("stable {s}"));
        for d in text(format!("DESCRIBE `{db}`.`{s}`")) {
            // field|type|length|note (later columns: encoding settings, not schemaless's)
            out.push(format!(
                "  {}",
                d.split('|').take(4).collect::<Vec<_>>().join("|")
            ));
        }
        let mut children = text(format!(
            "SELECT table_name FROM information_schema.ins_tables WHERE db_name = '{db}' AND stable_name = '{s}'"
        ));
        children.sort();
        out.extend(children.iter().map(|c| format!("  child {c}")));
        out.extend(
            text(format!(
                "SELECT tbname, * FROM `{db}`.`{s}` ORDER BY tbname, _ts"
            ))
            .iter()
            .map(|r| format!("  row {r}")),
        );
    }
    out
}

fn fresh(conn: &ConnectionConfig, db: &str, precision: &str) {
    let c = connection::connect(conn, None).expect("connect");
    for sql in [
        format!("DROP DATABASE IF EXISTS `{db}`"),
        format!("CREATE DATABASE `{db}` VGROUPS 1 PRECISION '{precision}'"),
    ] {
        c.exec(sql.clone()).unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

#[test]
fn native_line_protocol_makes_the_tables_schemaless_makes() {
    let Some(conn) = connection() else {
        say("SKIPPED (no TDengine) differential (native line protocol vs schemaless): TDENGINE_DSN is not a ws:// URL");
        return;
    };
    let mut compared = 0;
    // (data precision, database precision)
    for (precision, db_precision, unit) in [
        ("ms", "ms", 1i64),
        ("us", "us", 1_000),
        ("ns", "us", 1_000_000),
    ] {
        let t0 = 1_700_000_000_000i64;
        let ts = move |i: i64| (t0 + i) * unit;
        let lines = corpus(&ts);
        let (a, b) = (
            format!("it_diff_sml_{precision}"),
            format!("it_diff_native_{precision}"),
        );
        fresh(&conn, &a, db_precision);
        fresh(&conn, &b, db_precision);
        assert_eq!(
            write(&sink(&conn, &a, precision, false), &lines).expect("schemaless"),
            lines.len()
        );
        assert_eq!(
            write(&sink(&conn, &b, precision, true), &lines).expect("native"),
            lines.len()
        );
        let (sa, sb) = (snapshot(&conn, &a), snapshot(&conn, &b));
        for (x, y) in sa.iter().zip(&sb) {
            assert_eq!(
                x,
                y,
                "schemaless (left) and native (right) differ\n{}",
                sb.join("\n")
            );
        }
        assert_eq!(sa.len(), sb.len());
        assert!(sa.iter().filter(|l| l.starts_with("  row")).count() >= 40);
        compared += sa.len();

        // A value of another type than its column: the same record is refused.
        let bad = vec![
            format!("meters,location=x,groupid=9 current=1.5 {}", ts(100)),
            format!("meters,location=x,groupid=9 current=2i {}", ts(101)),
            format!("meters,location=x,groupid=9 current=2.5 {}", ts(102)),
        ];
        for db in [&a, &b] {
            let native = db == &b;
            match write(&sink(&conn, db, precision, native), &bad) {
                Err(TdError::Data { index, .. }) => assert_eq!(index, 1, "native={native}"),
                other => panic!("native={native}: {other:?}"),
            }
        }
        for db in [&a, &b] {
            let c = connection::connect(&conn, None).expect("connect");
            let _ = c.exec(format!("DROP DATABASE IF EXISTS `{db}`"));
        }
    }
    say(&format!(
        "TDengine-backed: differential (native line protocol vs schemaless, ms->ms, us->us and ns->us): {compared} \
         lines of super tables, DESCRIBE, child table names and rows identical; a type conflict refused at the same record"
    ));
}
