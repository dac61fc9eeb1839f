//! Two columns of a CSV data file, for chart series.

use std::path::Path;

use super::limits;

/// The text of a CSV file: a regular file of at most
/// [`limits::MAX_CSV_BYTES`], UTF-8, without a byte-order mark (spreadsheets
/// write one), with LF or CRLF line endings.
fn read_csv_text(path: &Path) -> Result<String, String> {
    let bytes = crate::fsread::read_regular_file(path, limits::MAX_CSV_BYTES, "CSV files")
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let line = e.as_bytes()[..e.utf8_error().valid_up_to()]
            .iter()
            .filter(|&&c| c == b'\n')
            .count();
        format!("{}:{}: the file is not valid UTF-8", path.display(), line + 1)
    })?;
    let text = super::strip_bom(&text);
    if let Some(problem) = super::line_ending_problem(text) {
        return Err(format!("{}: {problem}", path.display()));
    }
    Ok(text.to_string())
}

/// Reads two named columns of a CSV file with a header row. Errors name the
/// file, the line and the column. Every row has as many cells as the
/// header: a longer or shorter row is an error, not a guess.
pub fn read_csv_columns(path: &Path, x: &str, y: &str) -> Result<Vec<(f64, f64)>, String> {
    let text = read_csv_text(path)?;
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty() && !l.starts_with('#'));
    let (_, header) = lines
        .next()
        .ok_or_else(|| format!("{}: the CSV file is empty", path.display()))?;
    let cols: Vec<&str> = header.split(',').map(|c| c.trim()).collect();
    let find = |name: &str| {
        cols.iter().position(|c| *c == name).ok_or_else(|| {
            format!(
                "{}: no column \"{name}\" (columns: {})",
                path.display(),
                cols.join(", ")
            )
        })
    };
    let (xi, yi) = (find(x)?, find(y)?);
    let mut out = Vec::new();
    for (n, line) in lines {
        let cells: Vec<&str> = line.split(',').map(|c| c.trim()).collect();
        if cells.len() != cols.len() {
            return Err(format!(
                "{}:{}: the row has {} cells but the header has {} columns",
                path.display(),
                n + 1,
                cells.len(),
                cols.len()
            ));
        }
        let get = |i: usize, name: &str| -> Result<f64, String> {
            let cell = cells
                .get(i)
                .ok_or_else(|| format!("{}:{}: missing column \"{name}\"", path.display(), n + 1))?;
            match cell.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(format!(
                    "{}:{}: \"{cell}\" in column \"{name}\" is not a number",
                    path.display(),
                    n + 1
                )),
            }
        };
        if cells.get(yi).is_some_and(|c| c.is_empty()) {
            continue; // a blank cell: this series has no value at that x
        }
        out.push((get(xi, x)?, get(yi, y)?));
        if out.len() > limits::MAX_POINTS {
            return Err(format!(
                "{}: more than {} rows",
                path.display(),
                limits::MAX_POINTS
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn csv(name: &str, text: &str) -> Result<Vec<(f64, f64)>, String> {
        let dir = std::env::temp_dir().join(format!("anim-csv-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let out = read_csv_columns(&path, "step", "loss");
        std::fs::remove_file(&path).unwrap();
        out
    }

    #[test]
    fn a_csv_with_a_byte_order_mark_reads_like_one_without() {
        let plain = "step,loss\n0,3.5\n1,2.5\n";
        let want = vec![(0.0, 3.5), (1.0, 2.5)];
        assert_eq!(csv("plain.csv", plain).unwrap(), want);
        assert_eq!(csv("bom.csv", &format!("\u{feff}{plain}")).unwrap(), want);
        let crlf = format!("\u{feff}{}", plain.replace('\n', "\r\n"));
        assert_eq!(csv("crlf.csv", &crlf).unwrap(), want);
    }

    #[test]
    fn a_csv_row_longer_or_shorter_than_the_header_is_refused() {
        let e = csv("long.csv", "step,loss\n0,3.5\n1,2.5,9\n").unwrap_err();
        assert!(
            e.ends_with("long.csv:3: the row has 3 cells but the header has 2 columns"),
            "{e}"
        );
        let e = csv("short.csv", "step,loss,x\n0,3.5\n").unwrap_err();
        assert!(
            e.ends_with("short.csv:2: the row has 2 cells but the header has 3 columns"),
            "{e}"
        );
    }

    #[test]
    fn a_csv_with_cr_only_line_endings_is_named() {
        let e = csv("mac.csv", "step,loss\r0,3.5\r1,2.5\r").unwrap_err();
        assert!(e.contains("mac.csv: the file uses CR-only"), "{e}");
    }
}
