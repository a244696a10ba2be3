//! The shared-copy spill is a temporary file of this process that the reduce
//! removes; alone in its test binary, so no other reduce runs beside it.

use newslens_core::{AnalyzerSettings, Document, Meta};

#[test]
fn the_reduce_leaves_no_spill_file_behind() {
    let analyzer =
        newslens_source_bias::build(&AnalyzerSettings::for_tests("source-bias")).unwrap();
    let text = "Health officials in the northern province said on Tuesday that the new clinic would open its doors to patients from the surrounding villages next month.";
    let mut mapped: Option<newslens_core::Report> = None;
    for (id, source) in [("a-1", "Outlet A"), ("b-1", "Outlet B")] {
        let doc = Document {
            id: id.into(),
            meta: Meta {
                source: source.into(),
                ..Meta::default()
            },
            text: text.into(),
        };
        let map = analyzer.map(&newslens_core::testing::annotate_doc(doc));
        match &mut mapped {
            Some(m) => m.append(map),
            None => mapped = Some(map),
        }
    }
    let reduced = analyzer.reduce(mapped.unwrap()).unwrap();
    assert_eq!(reduced.table("shared_copy").unwrap().rows.len(), 1);
    let ours = format!("newslens-source-bias-{}-", std::process::id());
    let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&ours))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}
