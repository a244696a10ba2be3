//! The shared-copy spill is a temporary file of this process that the reduce
//! removes; in a test binary of its own, so no other reduce writes to the
//! system's temporary folder beside it (the other test here has a folder of its own).

use newslens_core::{AnalyzerSettings, Document, Meta};

#[test]
fn the_reduce_leaves_no_spill_file_behind() {
    let analyzer =
        newslens_source_bias::build(&AnalyzerSettings::for_tests("source-bias")).unwrap();
    let text = "Health officials in the northern province said on Tuesday that the new clinic would open its doors to patients from the surrounding villages next month.";
    let annotated: Vec<_> = [("a-1", "Outlet A"), ("b-1", "Outlet B")]
        .into_iter()
        .map(|(id, source)| {
            newslens_core::testing::annotate_doc(Document {
                id: id.into(),
                meta: Meta {
                    source: source.into(),
                    ..Meta::default()
                },
                text: text.into(),
            })
        })
        .collect();
    let mapped = newslens_core::run::map_all(analyzer.as_ref(), &annotated, None).unwrap();
    let reduced = analyzer.reduce(mapped).unwrap();
    assert_eq!(reduced.table("shared_copy").unwrap().rows.len(), 1);
    let ours = format!("newslens-source-bias-{}-", std::process::id());
    let left: Vec<_> = std::fs::read_dir(std::env::temp_dir())
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(&ours))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn the_spill_goes_in_the_runs_scratch_folder() {
    let scratch = std::env::temp_dir().join(format!("newslens-sb-scratch-{}", std::process::id()));
    std::fs::create_dir_all(&scratch).unwrap();
    let mut config = newslens_core::testing::bundled_config().clone();
    config.scratch_dir = Some(scratch.clone());
    let analyzer = newslens_source_bias::build(&config.settings_for("source-bias")).unwrap();
    let doc = Document {
        id: "a-1".into(),
        meta: Meta {
            source: "Outlet A".into(),
            ..Meta::default()
        },
        text: "Health officials in the northern province said on Tuesday that the new clinic would open its doors to patients from the surrounding villages next month.".into(),
    };
    let map = analyzer.map(&newslens_core::testing::annotate_doc(doc));
    let mut fold = analyzer.streaming_reduce().unwrap().fold;
    let shingles = map.table("shingles").unwrap();
    assert_eq!(shingles.rows.len(), 1);
    fold.add(shingles, &shingles.rows[0]).unwrap();
    let files = || std::fs::read_dir(&scratch).unwrap().count();
    assert!(
        files() > 0,
        "the spill is in the scratch folder while the fold runs"
    );
    fold.finish().unwrap();
    assert_eq!(files(), 0);
    std::fs::remove_dir(&scratch).unwrap();
}
