//! Property tests of everything that reads untrusted bytes: the batch
//! decoder, the text protocols' splitting, JSON text, text timestamps and the
//! structured mapping. Arbitrary input gives a value or an error, never a
//! panic, and no single allocation larger than the input justifies (a
//! length field must not make the decoder reserve gigabytes).

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use proptest::prelude::*;
use tdconnect_core::batch::{self, Batch, Record, Value};
use tdconnect_core::config::Precision;
use tdconnect_core::sink::config::Protocol;
use tdconnect_core::sink::structured::json_text;
use tdconnect_core::sink::structured::mapping::{map_record, MappingConfig, RecordMeta};
use tdconnect_core::sink::structured::timestamp_text::{parse_text, TextFormat};
use tdconnect_core::sink::structured::value::{decode_fields, encode_fields, Field, FieldValue};
use tdconnect_core::sink::text::group_lines;

/// Records the largest allocation made on this thread while enabled.
struct Largest;

thread_local! {
    static WATCH: Cell<bool> = const { Cell::new(false) };
    static LARGEST: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Largest {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = WATCH.try_with(|w| {
            if w.get() {
                LARGEST.with(|l| l.set(l.get().max(layout.size())));
            }
        });
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new: usize) -> *mut u8 {
        let _ = WATCH.try_with(|w| {
            if w.get() {
                LARGEST.with(|l| l.set(l.get().max(new)));
            }
        });
        System.realloc(ptr, layout, new)
    }
}

#[global_allocator]
static ALLOCATOR: Largest = Largest;

/// Runs `f`, returning the largest single allocation it made.
fn largest_allocation(f: impl FnOnce()) -> usize {
    LARGEST.with(|l| l.set(0));
    WATCH.with(|w| w.set(true));
    f();
    WATCH.with(|w| w.set(false));
    LARGEST.with(|l| l.get())
}

/// What an input of `len` bytes may justify: a constant for backtraces and
/// messages, plus a few times its length (records of a few bytes each).
fn justified(len: usize) -> usize {
    64 * 1024 + 64 * len
}

/// A valid frame's bytes to mutate: a few text, null and structured records.
fn frame(texts: &[String]) -> Vec<u8> {
    let fields = encode_fields(&[
        Field {
            name: "v",
            value: FieldValue::I64(7),
        },
        Field {
            name: "s",
            value: FieldValue::Str("x"),
        },
    ]);
    let mut records: Vec<Record<'_>> = texts
        .iter()
        .map(|t| Record {
            topic: 0,
            partition: 1,
            timestamp: Some(1_700_000_000_000),
            key: Some("k"),
            value: Value::Text(t),
        })
        .collect();
    records.push(Record {
        topic: 0,
        partition: 0,
        timestamp: None,
        key: None,
        value: Value::Null,
    });
    records.push(Record {
        topic: 0,
        partition: 0,
        timestamp: None,
        key: None,
        value: Value::Structured(&fields),
    });
    batch::encode(&Batch {
        topics: vec!["t"],
        records,
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_the_batch_decoder(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let mut ok = false;
        let peak = largest_allocation(|| ok = batch::decode(&bytes).is_ok());
        prop_assert!(peak <= justified(bytes.len()), "{peak} bytes for {} input bytes", bytes.len());
        let _ = ok;
    }

    #[test]
    fn a_mutated_frame_decodes_or_fails_cleanly(
        texts in proptest::collection::vec(".{0,40}", 0..6),
        flips in proptest::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        cut in any::<usize>(),
    ) {
        let mut bytes = frame(&texts);
        let n = bytes.len();
        for (at, v) in flips {
            bytes[at % n] = v;
        }
        bytes.truncate(cut % (n + 1));
        let peak = largest_allocation(|| {
            if let Ok(b) = batch::decode(&bytes) {
                for (i, r) in b.records.iter().enumerate() {
                    if let Value::Structured(p) = r.value {
                        let _ = decode_fields(i, p);
                    }
                }
            }
        });
        prop_assert!(peak <= justified(bytes.len()), "{peak} bytes for {} input bytes", bytes.len());
    }

    #[test]
    fn a_valid_frame_round_trips(texts in proptest::collection::vec(".{0,40}", 0..6)) {
        let bytes = frame(&texts);
        let b = batch::decode(&bytes).expect("a frame the encoder made");
        prop_assert_eq!(b.records.len(), texts.len() + 2);
        for (r, t) in b.records.iter().zip(&texts) {
            prop_assert_eq!(r.value, Value::Text(t));
        }
    }

    #[test]
    fn arbitrary_field_payloads_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..256)) {
        let peak = largest_allocation(|| { let _ = decode_fields(0, &bytes); });
        prop_assert!(peak <= justified(bytes.len()));
    }

    #[test]
    fn text_splitting_keeps_every_line_or_blames_the_record(
        texts in proptest::collection::vec("[ -~\\n\\r]{0,60}", 1..8),
        protocol in prop_oneof![Just(Protocol::Line), Just(Protocol::Telnet), Just(Protocol::Json)],
    ) {
        let records: Vec<Record<'_>> = texts.iter().map(|t| Record {
            topic: 0, partition: 0, timestamp: None, key: None, value: Value::Text(t),
        }).collect();
        let b = Batch { topics: vec!["t"], records };
        let (groups, bad) = group_lines(&b, &["db".to_string()], protocol, Precision::Ms);
        let limit = match &bad {
            Some(tdconnect_core::TdError::Data { index, .. }) => *index,
            Some(other) => return Err(TestCaseError::fail(format!("not a data error: {other}"))),
            None => texts.len(),
        };
        let lines: Vec<_> = groups.iter().flat_map(|(_, l)| l.iter()).collect();
        prop_assert!(lines.iter().all(|l| l.record < limit));
        if protocol != Protocol::Json {
            for (i, t) in texts.iter().enumerate().take(limit) {
                let expected = t.split('\n').map(|l| l.trim_end_matches('\r')).filter(|l| !l.trim().is_empty()).count();
                prop_assert!(expected > 0, "record {i} has no line but was not blamed");
                prop_assert_eq!(lines.iter().filter(|l| l.record == i).count(), expected);
            }
        }
    }

    #[test]
    fn json_text_gives_fields_or_a_data_error(text in "\\PC{0,80}") {
        let peak = largest_allocation(|| {
            if let Ok(parsed) = json_text::parse(3, &text) {
                let _ = parsed.fields(3);
            } else if let Err(e) = json_text::parse(3, &text) {
                assert!(matches!(e, tdconnect_core::TdError::Data { index: 3, .. }), "{e:?}");
            }
        });
        prop_assert!(peak <= justified(text.len()));
    }

    #[test]
    fn json_like_text_never_panics(text in "[\\[\\]{}\":,0-9a-z .eE+-]{0,80}") {
        if let Ok(parsed) = json_text::parse(0, &text) {
            let _ = parsed.fields(0);
        }
    }

    #[test]
    fn text_timestamps_parse_or_refuse(text in "\\PC{0,40}", pattern in "[yMdHmsSXZ:' .T/-]{0,24}") {
        let _ = parse_text(&text, None);
        if let Ok(format) = TextFormat::compile(&pattern) {
            let _ = parse_text(&text, Some(&format));
        }
    }

    #[test]
    fn the_structured_mapping_gives_a_row_or_a_data_error(
        names in proptest::collection::vec("[a-z_. `]{0,12}", 0..6),
        ints in proptest::collection::vec(any::<i64>(), 6),
        text in "\\PC{0,20}",
        unit in prop_oneof![Just("auto"), Just("s"), Just("ms"), Just("us"), Just("ns")],
        ts_field in any::<bool>(),
    ) {
        let fields: Vec<Field<'_>> = names.iter().enumerate().map(|(i, n)| Field {
            name: n,
            value: match i % 3 {
                0 => FieldValue::I64(ints[i]),
                1 => FieldValue::Str(&text),
                _ => FieldValue::Null,
            },
        }).collect();
        let mut cfg: MappingConfig = serde_json::from_str(&format!(
            r#"{{"stable":"${{field.{}}}","tags":["{}"],"timestamp_unit":"{unit}"}}"#,
            names.first().map(String::as_str).unwrap_or("x").replace(['"', '\\'], ""),
            names.get(1).map(String::as_str).unwrap_or("y").replace(['"', '\\'], ""),
        )).unwrap_or_default();
        if ts_field {
            cfg.timestamp_field = names.first().cloned();
        }
        let meta = RecordMeta { index: 5, topic: "t", partition: 0, key: Some(&text), timestamp: Some(ints[0]) };
        match map_record(&cfg, Precision::Ms, meta, fields) {
            Ok(row) => prop_assert_eq!(row.record, 5),
            Err(e) => prop_assert!(matches!(e, tdconnect_core::TdError::Data { index: 5, .. }), "{:?}", e),
        }
    }
}
