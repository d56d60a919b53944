//! Raw ceiling of the source benchmark (`tests/bench/source-throughput`): the
//! connector's own TMQ reader (same topic, same formatting) draining a super
//! table with no Kafka, Connect, JVM or JNI, in a consumer group of its own.
//!
//! Usage: tmq_ceiling ROWS < source-config.json
//! Prints `tmq_ceiling rows=N seconds=S rows_per_sec=R`.

use std::io::Read;
use std::time::{Duration, Instant};

use tdconnect_core::source::config::SourceConfig;
use tdconnect_core::source::reader::SourceReader;

fn main() -> Result<(), String> {
    let rows: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .ok_or("usage: tmq_ceiling ROWS < source-config.json")?;
    let mut json = String::new();
    std::io::stdin()
        .read_to_string(&mut json)
        .map_err(|e| e.to_string())?;
    let config = SourceConfig::from_json(&json).map_err(|e| e.to_string())?;
    let clock = Instant::now();
    let mut reader = SourceReader::open(config).map_err(|e| e.to_string())?;
    reader.start(&[]).map_err(|e| e.to_string())?;
    let mut read = 0;
    let mut idle_since = Instant::now();
    while read < rows {
        let got = reader
            .poll(Duration::from_millis(500))
            .map_err(|e| e.to_string())?
            .map_or(0, |polled| polled.rows.len());
        if got == 0 {
            if idle_since.elapsed() > Duration::from_secs(60) {
                return Err(format!("stalled after {read} of {rows} rows"));
            }
        } else {
            idle_since = Instant::now();
            read += got;
        }
    }
    let seconds = clock.elapsed().as_secs_f64();
    println!(
        "tmq_ceiling rows={read} seconds={seconds:.3} rows_per_sec={:.0}",
        read as f64 / seconds
    );
    reader.close();
    Ok(())
}
