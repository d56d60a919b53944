//! Child table names as TDengine's schemaless insert derives them
//! (`buildChildTableName`, tname.c): `t_` and the lowercase hex MD5 of the
//! measurement as written (`.` → `_`) followed by `,key=value` for each tag,
//! tags sorted by key ASCII-case-insensitively (a shorter key first when
//! one is a prefix of the other), keys and values unescaped. Data written
//! before through schemaless (or TDengine's own connector) keeps landing in
//! the same child tables.

use md5::{Digest, Md5};

/// The child table name, or None when tags differ only in letter case
/// (TDengine's unstable sort leaves their order, hence the name, open).
pub fn child_table(hashed_measurement: &str, tags: &[(String, String)]) -> Option<String> {
    let mut sorted: Vec<&(String, String)> = tags.iter().collect();
    sorted.sort_by(|a, b| compare_keys(&a.0, &b.0));
    if sorted
        .windows(2)
        .any(|w| compare_keys(&w[0].0, &w[1].0).is_eq())
    {
        return None;
    }
    let mut hash = Md5::new();
    hash.update(hashed_measurement.as_bytes());
    for (k, v) in sorted {
        hash.update(b",");
        hash.update(k.as_bytes());
        hash.update(b"=");
        hash.update(v.as_bytes());
    }
    let digest = hash.finalize();
    let mut name = String::with_capacity(34);
    name.push_str("t_");
    for byte in digest {
        name.push_str(&format!("{byte:02x}"));
    }
    Some(name)
}

/// `strncasecmp` over the common length, then the shorter first.
fn compare_keys(a: &str, b: &str) -> std::cmp::Ordering {
    let n = a.len().min(b.len());
    let lower = |s: &str| -> Vec<u8> { s.as_bytes()[..n].to_ascii_lowercase() };
    lower(a).cmp(&lower(b)).then(a.len().cmp(&b.len()))
}

#[cfg(test)]
mod tests {
    use super::child_table;

    fn tags(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    #[test]
    fn names_match_tdengines_own_tests() {
        // test_sml.py (TDengine 3.3.7), smlDot2Underline off.
        assert_eq!(
            child_table(
                "readings",
                &tags(&[
                    ("name", "truck_2"),
                    ("driver", "Derek"),
                    ("model", "F-150"),
                    ("device_version", "v1.5")
                ])
            )
            .unwrap(),
            "t_b7d815c9222ca64cdf2614c61de8f211"
        );
        assert_eq!(
            child_table("stable", &tags(&[("t2", "t2"), ("t1", "t1"), ("t3", "t3")])).unwrap(),
            "t_0799064f5487946e5d22164a822acfc8"
        );
        assert_eq!(
            child_table("meters", &tags(&[("location", "SF"), ("groupid", "2")])).unwrap(),
            "t_64db556d305c01bd5d6dd93941f838ac"
        );
        assert_eq!(
            child_table("m", &tags(&[("B", "1"), ("a", "2")])).unwrap(),
            "t_5624e89186bac9547f87070d70e0f6af"
        );
        assert_eq!(
            child_table("m", &tags(&[("ab", "1"), ("a", "2")])).unwrap(),
            "t_35181cf677d007ddaa560aa453185e20"
        );
        assert_eq!(child_table("m", &tags(&[("a", "1"), ("A", "2")])), None);
    }
}
