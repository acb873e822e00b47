//! Export: exact CSV bytes, Parquet read back equal.

use super::*;

/// A small table for export: a value with a comma, quotes and a newline, NULLs (`NA`), a date and
/// doubles.
pub const EXPORT_CSV: &str = "id,name,note,day,amount\n\
1,\"  Ann  \",\"says \"\"hi\"\", then\nleaves\",2024-02-29,1.5\n\
2,Bob,NA,2024-01-01,NA\n\
3,Cy,plain,NA,3\n";

/// `export`: exact CSV bytes after steps (display names and order, quoting, NULL as empty, the
/// empty string quoted, ISO dates), Parquet read back equal to the rows, in chunks.
pub async fn export_csv_and_parquet<H: Harness>(h: &H) {
    use crate::export::ExportFormat;
    let ws = open(h).await.with_chunk_row_count(2);
    let t = import_fixture::<H>(&ws, "export", EXPORT_CSV).await;
    for command in [
        json!({"op": "trim", "column": "name"}),
        json!({"op": "rename_column", "column": "note", "newName": "comment"}),
        json!({"op": "insert_row", "after": 1, "values": {"id": 9, "comment": "x"}}),
        json!({"op": "edit_cell", "rowId": 3, "column": "name", "value": ""}),
    ] {
        ws.apply(t, command, &Call::none()).await.expect("step");
    }
    let csv = plain::<H>(&ws, t, ExportFormat::Csv)
        .await
        .expect("export csv");
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        "id,name,comment,day,amount\n\
         1,Ann,\"says \"\"hi\"\", then\nleaves\",2024-02-29,1.5\n\
         9,,x,,\n\
         2,Bob,,2024-01-01,\n\
         3,\"\",plain,,3.0\n"
    );
    let s = snapshot(&ws, t, 100).await;
    let parquet = plain::<H>(&ws, t, ExportFormat::Parquet)
        .await
        .expect("export parquet");
    let row_groups =
        parquet::file::reader::SerializedFileReader::new(bytes::Bytes::from(parquet.clone()))
            .map(|r| parquet::file::reader::FileReader::metadata(&r).num_row_groups())
            .unwrap();
    assert_eq!(row_groups, 2, "one row group per chunk of 2 rows");
    let batches = crate::persist::parquet::decode("export.parquet", parquet, None).expect("decode");
    let names: Vec<String> = batches[0]
        .schema()
        .fields()
        .iter()
        .map(|f| f.name().clone())
        .collect();
    assert_eq!(names, ["id", "name", "comment", "day", "amount"]);
    let rows = crate::values::rows(&batches).unwrap();
    assert_eq!(
        rows,
        s.rows.iter().map(|(_, r)| r.clone()).collect::<Vec<_>>()
    );
    ws.apply(
        t,
        json!({"op": "delete_rows", "rowIds": [1, 2, 3, 4]}),
        &Call::none(),
    )
    .await
    .expect("delete all");
    assert_eq!(
        plain::<H>(&ws, t, ExportFormat::Csv).await.unwrap(),
        b"id,name,comment,day,amount\n"
    );
    let empty = plain::<H>(&ws, t, ExportFormat::Parquet).await.unwrap();
    let batches =
        crate::persist::parquet::decode("empty.parquet", empty, None).expect("decode empty");
    assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 0);
    assert_eq!(batches[0].num_columns(), 5);
    assert_eq!(
        plain::<H>(&ws, 99, ExportFormat::Csv)
            .await
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
}

/// `export` with no options and no observer.
async fn plain<H: Harness>(
    ws: &Ws<H>,
    t: u32,
    format: crate::export::ExportFormat,
) -> crate::Result<Vec<u8>> {
    ws.export(
        t,
        format,
        &crate::export::ExportOptions::default(),
        &Call::none(),
    )
    .await
}
