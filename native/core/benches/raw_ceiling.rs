//! Raw ceiling of the sink benchmark (`tests/bench/sink-throughput`): the
//! same rows the benchmark sends through Kafka Connect, written straight into
//! TDengine by the connector's own write path (`SinkWriter`, same config,
//! same batch size, two writes in flight as the shim keeps them) with no
//! Kafka, Connect, JNI or Java in between.
//!
//! Usage: raw_ceiling meters|wide|line|maps|json RECORDS SUBTABLES < sink-config.json
//! (maps: the fields JsonConverter + the shim make of the JSON; json: the
//! JSON text itself, parsed natively as with `text.values=json`.)
//! Prints `raw_ceiling rows=N seconds=S rows_per_sec=R`.

use std::io::Read;
use std::time::Instant;

use tdconnect_core::batch::{self, Batch, Record, Value};
use tdconnect_core::sink::config::SinkConfig;
use tdconnect_core::sink::pipeline::PipelinedSink;
use tdconnect_core::sink::structured::value::{encode_fields, Field, FieldValue};

/// First row timestamp (ms); record i of subtable i % S is at T0 + i / S.
const T0: i64 = 1_700_000_000_000;

/// The benchmark's record i as line protocol (same text as the Java producer).
fn line(i: u64, subtables: u64) -> String {
    format!(
        "readings,device=d{} load={}.{},seq={}i {}",
        i % subtables,
        i % 1000 / 10,
        i % 10,
        i,
        T0 + (i / subtables) as i64
    )
}

/// TDengine's `meters` shape (same text as BenchRecords.meters).
fn meters(i: u64, subtables: u64) -> String {
    let d = i % subtables;
    format!(
        "meters,location=California.City{},groupid={} current={}.{},voltage={}i,phase=0.{} {}",
        d / 10,
        d % 10,
        10 + i % 7,
        i % 100,
        200 + i % 30,
        i % 1000,
        T0 + (i / subtables) as i64
    )
}

/// A wide shape: meters' tags and 20 fields (same text as BenchRecords.wide).
fn wide(i: u64, subtables: u64) -> String {
    use std::fmt::Write;
    let d = i % subtables;
    let mut b = format!(
        "wide,location=California.City{},groupid={} ",
        d / 10,
        d % 10
    );
    for f in 0..16u64 {
        let _ = write!(b, "c{f}={}.{},", f + i % 7, (i + f) % 100);
    }
    let _ = write!(
        b,
        "voltage={}i,count={i}i,on={},status=\"ok{}\" {}",
        200 + i % 30,
        if i % 2 == 0 { 't' } else { 'f' },
        i % 5,
        T0 + (i / subtables) as i64
    );
    b
}

/// The benchmark's record i as JSON text (same text as the Java producer).
fn json_text(i: u64, subtables: u64) -> String {
    format!(
        "{{\"device\":\"d{}\",\"load\":{}.{},\"seq\":{},\"at\":{}}}",
        i % subtables,
        i % 1000 / 10,
        i % 10,
        i,
        T0 + (i / subtables) as i64
    )
}

/// The benchmark's record i as the fields JsonConverter makes of its JSON map.
fn map_fields(i: u64, subtables: u64) -> Vec<u8> {
    let device = format!("d{}", i % subtables);
    let load: f64 = format!("{}.{}", i % 1000 / 10, i % 10)
        .parse()
        .unwrap_or(0.0);
    encode_fields(&[
        Field {
            name: "device",
            value: FieldValue::Str(&device),
        },
        Field {
            name: "load",
            value: FieldValue::F64(load),
        },
        Field {
            name: "seq",
            value: FieldValue::I64(i as i64),
        },
        Field {
            name: "at",
            value: FieldValue::I64(T0 + (i / subtables) as i64),
        },
    ])
}

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args().collect();
    let (mode, records, subtables) = match args.as_slice() {
        [_, m, r, s] => (
            m.clone(),
            r.parse::<u64>().map_err(|e| e.to_string())?,
            s.parse::<u64>().map_err(|e| e.to_string())?,
        ),
        _ => return Err(
            "usage: raw_ceiling meters|wide|line|maps|json RECORDS SUBTABLES < sink-config.json"
                .into(),
        ),
    };
    let mut json = String::new();
    std::io::stdin()
        .read_to_string(&mut json)
        .map_err(|e| e.to_string())?;
    let config = SinkConfig::from_json(&json).map_err(|e| e.to_string())?;
    let batch_size = config.batch_size as u64;

    // Encode every batch before the clock starts: the ceiling is the write path alone.
    let mut frames = Vec::new();
    let mut start = 0;
    while start < records {
        let end = (start + batch_size).min(records);
        let payloads: Vec<Vec<u8>> = (start..end)
            .map(|i| match mode.as_str() {
                "line" => line(i, subtables).into_bytes(),
                "meters" => meters(i, subtables).into_bytes(),
                "wide" => wide(i, subtables).into_bytes(),
                "json" => json_text(i, subtables).into_bytes(),
                _ => map_fields(i, subtables),
            })
            .collect();
        let batch = Batch {
            topics: vec!["readings"],
            records: payloads
                .iter()
                .map(|p| Record {
                    topic: 0,
                    partition: 0,
                    timestamp: None,
                    key: None,
                    value: if mode != "maps" {
                        Value::Text(std::str::from_utf8(p).unwrap_or_default())
                    } else {
                        Value::Structured(p)
                    },
                })
                .collect(),
        };
        frames.push(batch::encode(&batch));
        start = end;
    }

    // Like the connector's time, the ceiling's includes connecting (the
    // benchmark creates the database beforehand for both).
    let clock = Instant::now();
    let cpu_before = cpu_seconds();
    let sink = PipelinedSink::open(config).map_err(|e| e.to_string())?;
    let rows = std::thread::scope(|s| -> Result<usize, String> {
        let mut rows = 0;
        let mut in_flight = std::collections::VecDeque::new();
        for (seq, frame) in frames.iter().enumerate() {
            if in_flight.len() == 2 {
                rows += settle(in_flight.pop_front())?;
            }
            let pipelined = !in_flight.is_empty();
            let sink = &sink;
            in_flight.push_back(s.spawn(move || sink.write(seq as u64, pipelined, frame)));
        }
        while !in_flight.is_empty() {
            rows += settle(in_flight.pop_front())?;
        }
        Ok(rows)
    })?;
    let seconds = clock.elapsed().as_secs_f64();
    let cpu = cpu_seconds() - cpu_before;
    println!(
        "raw_ceiling rows={rows} seconds={seconds:.3} rows_per_sec={:.0} client_cpu_seconds={cpu:.2}",
        rows as f64 / seconds
    );
    Ok(())
}

type Write<'s> = std::thread::ScopedJoinHandle<'s, tdconnect_core::TdResult<usize>>;

/// The rows of a write in flight, once it ended.
fn settle(write: Option<Write<'_>>) -> Result<usize, String> {
    match write.map(|w| w.join()) {
        Some(Ok(Ok(rows))) => Ok(rows),
        Some(Ok(Err(e))) => Err(e.to_string()),
        Some(Err(_)) => Err("a write panicked".into()),
        None => Ok(0),
    }
}

/// CPU time (user + system) this process has used, from /proc (0 elsewhere).
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    // Fields after the command name (which may hold spaces): utime is the 12th, stime the 13th.
    let rest = stat.rsplit_once(')').map_or("", |(_, r)| r);
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}
