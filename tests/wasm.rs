//! Tests of the web boundary (`driftline::web`) in headless Chromium: JavaScript values in,
//! the library's answer out, unchanged. Run by `make test-wasm`.
#![cfg(target_arch = "wasm32")]

use driftline::{InputFile, Options};
use js_sys::{Array, Object, Reflect, Uint8Array, JSON};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

wasm_bindgen_test_configure!(run_in_browser);

/// A small hand-counted dataset (the first demo), in `tests/fixtures/hand_counted/`.
const DEMO: [(&str, &[u8]); 4] = [
    (
        "children.csv",
        include_bytes!("fixtures/hand_counted/children.csv"),
    ),
    (
        "placements.csv",
        include_bytes!("fixtures/hand_counted/placements.csv"),
    ),
    (
        "legal.csv",
        include_bytes!("fixtures/hand_counted/legal.csv"),
    ),
    (
        "events.csv",
        include_bytes!("fixtures/hand_counted/events.csv"),
    ),
];

const AS_AT: &str = "2025-03-31";

fn object(entries: &[(&str, JsValue)]) -> JsValue {
    let object = Object::new();
    for (key, value) in entries {
        Reflect::set(&object, &JsValue::from_str(key), value).expect("set a property");
    }
    object.into()
}

/// A JavaScript array of `{ name, bytes: Uint8Array }`, as the worker passes it.
fn js_files(files: &[(&str, &[u8])]) -> JsValue {
    files
        .iter()
        .map(|(name, bytes)| {
            object(&[
                ("name", JsValue::from_str(name)),
                ("bytes", Uint8Array::from(*bytes).into()),
            ])
        })
        .collect::<Array>()
        .into()
}

fn options(as_at: &str) -> JsValue {
    object(&[("asAt", JsValue::from_str(as_at))])
}

fn to_json(value: &JsValue) -> serde_json::Value {
    let text: String = JSON::stringify(value).expect("stringify").into();
    numbers_as_f64(serde_json::from_str(&text).expect("valid JSON"))
}

/// JavaScript has one number type: `1.0` comes back as `1`. Comparisons are made with every
/// number as an `f64`, so only real differences in value count.
fn numbers_as_f64(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Number(n) => n
            .as_f64()
            .and_then(serde_json::Number::from_f64)
            .map_or(Value::Number(n), Value::Number),
        Value::Array(items) => Value::Array(items.into_iter().map(numbers_as_f64).collect()),
        Value::Object(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| (k, numbers_as_f64(v)))
                .collect(),
        ),
        other => other,
    }
}

fn error_message(error: &JsValue) -> String {
    let error: &js_sys::Error = error.dyn_ref().expect("a JavaScript Error");
    error.message().into()
}

/// What the library itself answers for the same files and date.
fn core_answer(files: &[(&str, &[u8])], as_at: &str) -> Result<serde_json::Value, String> {
    core_answer_with(files, as_at, None)
}

fn core_answer_with(
    files: &[(&str, &[u8])],
    as_at: &str,
    mapping: Option<&str>,
) -> Result<serde_json::Value, String> {
    let inputs: Vec<InputFile<'_>> = files
        .iter()
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    let date = chrono::NaiveDate::parse_from_str(as_at, "%Y-%m-%d").expect("a date");
    let mut options = Options::new(date);
    // The boundary's options carry no profile here, so the timescales follow the data.
    options.profile_from_data = true;
    options.mapping = mapping.map(|json| driftline::Mapping::from_json(json).expect("a mapping"));
    driftline::analyze(&inputs, &options)
        .map(|report| numbers_as_f64(serde_json::to_value(&report).expect("serialise")))
        .map_err(|err| err.to_string())
}

/// Asserts that the boundary's answer is the library's answer, whatever that is.
fn assert_same_as_core(answer: Result<JsValue, JsValue>, files: &[(&str, &[u8])], as_at: &str) {
    match (answer, core_answer(files, as_at)) {
        (Ok(report), Ok(expected)) => assert_eq!(to_json(&report), expected),
        (Err(error), Err(expected)) => assert_eq!(error_message(&error), expected),
        (Ok(report), Err(expected)) => {
            panic!("boundary read {report:?}; the library failed with {expected}")
        }
        (Err(error), Ok(_)) => panic!(
            "boundary failed with {}; the library read the files",
            error_message(&error)
        ),
    }
}

#[wasm_bindgen_test]
fn analyze_returns_the_librarys_report() {
    let answer = driftline::web::analyze(&js_files(&DEMO), &options(AS_AT));
    let report = to_json(answer.as_ref().expect("the demo data loads"));
    assert_eq!(report["children"].as_f64(), Some(10.0));
    assert_same_as_core(answer, &DEMO, AS_AT);
}

#[wasm_bindgen_test]
fn a_mapping_object_is_applied_as_the_library_applies_it() {
    let mapping = r#"{ "labels": { "event": { "Sibling contact review": "lac_review" } } }"#;
    let options = object(&[
        ("asAt", JsValue::from_str(AS_AT)),
        ("mapping", JSON::parse(mapping).expect("JSON")),
    ]);
    let report = driftline::web::analyze(&js_files(&DEMO), &options).expect("the demo loads");
    let report = to_json(&report);
    // Without the mapping the demo has exactly one unknown label: this one.
    assert_eq!(report["input"]["unknown_labels"], serde_json::json!([]));
    assert_eq!(Ok(report), core_answer_with(&DEMO, AS_AT, Some(mapping)));
}

#[wasm_bindgen_test]
fn options_breakdown_is_the_forecasts_basis_as_on_the_command_line() {
    let options = object(&[
        ("asAt", JsValue::from_str(AS_AT)),
        ("breakdown", JsValue::from_str("sex")),
    ]);
    let report = driftline::web::analyze(&js_files(&DEMO), &options).expect("the demo loads");
    let inputs: Vec<InputFile<'_>> = DEMO
        .iter()
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    let mut native =
        Options::new(chrono::NaiveDate::parse_from_str(AS_AT, "%Y-%m-%d").expect("a date"));
    native.breakdown = Some("sex".into());
    // Without a profile the page's timescales follow the data, as the command line's do.
    native.profile_from_data = true;
    let expected = driftline::analyze(&inputs, &native).expect("the library reads it");
    assert_eq!(
        to_json(&report),
        numbers_as_f64(serde_json::to_value(&expected).expect("serialise"))
    );
    // Anything but a breakdown id is refused, saying so.
    let options = object(&[
        ("asAt", JsValue::from_str(AS_AT)),
        ("breakdown", JsValue::from_f64(3.0)),
    ]);
    let error = driftline::web::analyze(&js_files(&DEMO), &options).expect_err("a number");
    assert!(error_message(&error).contains("options.breakdown"));
}

#[wasm_bindgen_test]
fn analyze_json_returns_the_same_report_as_text() {
    let answer = driftline::web::analyze_json(&js_files(&DEMO), &options(AS_AT))
        .map(|text| JSON::parse(&text).expect("valid JSON"));
    assert_same_as_core(answer, &DEMO, AS_AT);
}

#[wasm_bindgen_test]
fn array_buffers_are_accepted_like_uint8_arrays() {
    let files: JsValue = DEMO
        .iter()
        .map(|(name, bytes)| {
            object(&[
                ("name", JsValue::from_str(name)),
                ("bytes", Uint8Array::from(*bytes).buffer().into()),
            ])
        })
        .collect::<Array>()
        .into();
    let answer = driftline::web::analyze(&files, &options(AS_AT));
    assert_same_as_core(answer, &DEMO, AS_AT);
}

#[wasm_bindgen_test]
fn load_errors_carry_their_diagnostics() {
    let files = [("notes.csv", b"" as &[u8])];
    let error = driftline::web::analyze(&js_files(&files), &options(AS_AT))
        .expect_err("an empty file yields nothing usable");
    let expected = core_answer(&files, AS_AT).expect_err("the library fails too");
    assert_eq!(error_message(&error), expected);
    let diagnostics = Reflect::get(&error, &JsValue::from_str("diagnostics")).expect("property");
    let diagnostics: &Array = diagnostics.dyn_ref().expect("an array of diagnostics");
    assert!(diagnostics.length() >= 1);
    let first = to_json(&diagnostics.get(0));
    assert_eq!(first["file"], "notes.csv");
    assert_eq!(first["severity"], "fatal");
}

#[wasm_bindgen_test]
fn bad_arguments_are_errors_with_a_clear_message() {
    let files = js_files(&DEMO);
    let cases: [(&str, JsValue, JsValue, &str); 6] = [
        (
            "no options",
            files.clone(),
            JsValue::UNDEFINED,
            "options.asAt",
        ),
        (
            "no asAt",
            files.clone(),
            Object::new().into(),
            "options.asAt",
        ),
        (
            "day-first asAt",
            files.clone(),
            options("31/03/2025"),
            "YYYY-MM-DD",
        ),
        (
            "impossible asAt",
            files.clone(),
            options("2025-02-30"),
            "YYYY-MM-DD",
        ),
        (
            "files not an array",
            JsValue::from_str("children.csv"),
            options(AS_AT),
            "array",
        ),
        (
            "bytes as text",
            Array::of1(&object(&[
                ("name", JsValue::from_str("children.csv")),
                ("bytes", JsValue::from_str("child_id\n1\n")),
            ]))
            .into(),
            options(AS_AT),
            "children.csv: bytes must be",
        ),
    ];
    for (case, files, options, expected) in cases {
        let error = driftline::web::analyze(&files, &options).expect_err(case);
        let message = error_message(&error);
        assert!(message.contains(expected), "{case}: {message}");
    }
}

#[wasm_bindgen_test]
fn an_unreadable_mapping_is_an_error() {
    let options = object(&[
        ("asAt", JsValue::from_str(AS_AT)),
        ("mapping", JsValue::from_str("{ not json")),
    ]);
    let error = driftline::web::analyze(&js_files(&DEMO), &options).expect_err("bad mapping");
    assert!(error_message(&error).contains("options.mapping is not a valid Driftline mapping"));
}

/// The library's report for the demo under a profile given by name or content (`Some`), or,
/// with `None`, with the profile left to follow the data as the boundary does without one.
fn core_report_with_profile(profile: Option<driftline::stats::Profile>) -> serde_json::Value {
    let inputs: Vec<InputFile<'_>> = DEMO
        .iter()
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    let date = chrono::NaiveDate::parse_from_str(AS_AT, "%Y-%m-%d").expect("a date");
    let mut options = Options::new(date);
    match profile {
        Some(profile) => options.profile = profile,
        None => options.profile_from_data = true,
    }
    let report = driftline::analyze(&inputs, &options).expect("the demo loads");
    numbers_as_f64(serde_json::to_value(&report).expect("serialise"))
}

const OWN_PROFILE: &str = r#"{ "id": "local", "label": "Local aims", "stages": [
    { "id": "to_review", "label": "Entry to first review", "from": "became_looked_after",
      "to": "lac_review", "target": "4 weeks" },
    { "id": "to_order", "label": "Entry to order or home", "from": "became_looked_after",
      "to": ["order_granted", "returned_home"] } ] }"#;

#[wasm_bindgen_test]
fn the_profile_option_takes_a_name_an_object_or_json_text() {
    use driftline::stats::Profile;
    let own = Profile::from_json(OWN_PROFILE).expect("a valid profile");
    let cases = [
        ("no profile", JsValue::NULL, None),
        (
            "scotland",
            JsValue::from_str("scotland"),
            Some(Profile::scotland()),
        ),
        (
            "England by name",
            JsValue::from_str("England"),
            Some(Profile::england()),
        ),
        (
            "an object",
            JSON::parse(OWN_PROFILE).expect("JSON"),
            Some(own.clone()),
        ),
        ("JSON text", JsValue::from_str(OWN_PROFILE), Some(own)),
    ];
    for (case, profile, expected) in cases {
        let options = object(&[("asAt", JsValue::from_str(AS_AT)), ("profile", profile)]);
        let report = to_json(&driftline::web::analyze(&js_files(&DEMO), &options).expect(case));
        if case == "no profile" {
            // The demo is a template workbook, not an SSDA903 return: Scotland's, and why.
            assert_eq!(report["profile"]["id"], serde_json::json!("scotland"));
            assert_eq!(report["profile_basis"], serde_json::json!("other_input"));
        } else {
            assert!(
                report.get("profile_basis").is_none(),
                "{case}: a given profile"
            );
        }
        assert_eq!(report, core_report_with_profile(expected), "{case}");
    }
}

#[wasm_bindgen_test]
fn a_bad_profile_is_refused_with_the_cores_message() {
    let typo = OWN_PROFILE.replace("\"target\"", "\"traget\"");
    let expected = driftline::stats::Profile::from_json(&typo).expect_err("a typo");
    let cases = [
        (
            JsValue::from_str("wales"),
            "no built-in profile called \"wales\"".to_string(),
        ),
        (JsValue::from_str(&typo), expected.message.clone()),
        // From an object, the position in Driftline's own JSON of it is left out.
        (
            JSON::parse(&typo).expect("JSON"),
            expected
                .message
                .split(" at line ")
                .next()
                .map(|m| format!("{m}."))
                .unwrap_or_default(),
        ),
        (JsValue::from_f64(3.0), "must be \"scotland\"".to_string()),
    ];
    for (profile, needle) in cases {
        let options = object(&[("asAt", JsValue::from_str(AS_AT)), ("profile", profile)]);
        let error = driftline::web::analyze(&js_files(&DEMO), &options).expect_err(&needle);
        let message = error_message(&error);
        assert!(message.starts_with("options.profile: "), "{message}");
        assert!(
            message.contains(&needle),
            "{message} should contain {needle}"
        );
    }
    let checked = to_json(
        &driftline::web::profiles::check_profile(JsValue::from_str(&typo)).expect("an answer"),
    );
    assert_eq!(checked["ok"], serde_json::json!(false));
    assert!(checked["message"].as_str().unwrap_or("").contains("traget"));
}

/// The packed report the page reads: its summary's words, its numbers and where its strings
/// end leave wasm memory a chunk at a time while they are packed and are joined in
/// JavaScript, the patched words set. Joined, they are what the core packs whole, for chunks of one on (the smallest makes
/// every list's and object's first word a patch).
#[wasm_bindgen_test]
fn the_packed_reports_chunks_join_in_javascript_to_the_whole_report_packed() {
    use driftline::web::session::Session;
    use js_sys::{Float64Array, Uint32Array};
    let session = Session::new(&js_files(&DEMO), &options(AS_AT)).expect("the demo loads");
    let mut batches: Vec<Vec<u32>> = Vec::new();
    let whole = session
        .report_ref()
        .pack(4, |words| batches.push(words.to_vec()))
        .expect("the report packs");
    let get = |packed: &JsValue, key: &str| Reflect::get(packed, &key.into()).expect(key);
    let bits = |numbers: Vec<f64>| numbers.into_iter().map(f64::to_bits).collect::<Vec<_>>();
    let numbers = bits(whole.journeys.tables.numbers.clone());
    assert!(
        whole.summary.len() > 100 && numbers.len() > 10,
        "enough to chunk"
    );
    for chunk in [1, 7, 1 << 20] {
        let packed = session.report_packed_in(4, chunk).expect("packs");
        let summary: Uint32Array = get(&packed, "summary").dyn_into().expect("words");
        assert_eq!(summary.to_vec(), whole.summary, "chunks of {chunk}");
        let got: Float64Array = get(&packed, "numbers").dyn_into().expect("numbers");
        assert_eq!(bits(got.to_vec()), numbers, "chunks of {chunk}");
        let words: Array = get(&packed, "words").dyn_into().expect("a list");
        let words: Vec<Vec<u32>> = words
            .iter()
            .map(|batch| batch.dyn_into::<Uint32Array>().expect("words").to_vec())
            .collect();
        assert_eq!(words, batches);
        let strings: Uint8Array = get(&packed, "strings").dyn_into().expect("bytes");
        assert_eq!(strings.to_vec(), whole.journeys.tables.strings.as_bytes());
        let ends: Uint32Array = get(&packed, "stringEnds").dyn_into().expect("ends");
        assert_eq!(
            ends.to_vec(),
            whole.journeys.tables.string_ends,
            "chunks of {chunk}"
        );
    }
}

#[wasm_bindgen_test]
fn a_session_applies_another_profile_without_reading_the_files_again() {
    use driftline::web::session::Session;
    let mut session = Session::new(&js_files(&DEMO), &options(AS_AT)).expect("the demo loads");
    session
        .set_profile(JsValue::from_str("england"))
        .expect("England applies");
    let report = to_json(&session.report().expect("the report"));
    assert_eq!(
        report,
        core_report_with_profile(Some(driftline::stats::Profile::england()))
    );
    // A bad profile changes nothing.
    let error = session
        .set_profile(JsValue::from_str("{ \"id\": \"x\" }"))
        .expect_err("no stages");
    assert!(error_message(&error).contains("The profile is not valid"));
    assert_eq!(to_json(&session.report().expect("the report")), report);
}

#[wasm_bindgen_test]
fn the_stage_table_of_a_filter_is_computed_over_exactly_those_children() {
    use driftline::web::session::Session;
    let mut session = Session::new(&js_files(&DEMO), &options(AS_AT)).expect("the demo loads");
    let report = session.report_ref().clone();
    let team = report
        .journeys
        .iter()
        .find_map(|c| c.team.clone())
        .expect("a child with a team");
    let chosen: Vec<driftline::model::Child> = report
        .journeys
        .iter()
        .filter(|c| c.team.as_deref() == Some(&*team))
        .cloned()
        .collect();
    let expected = driftline::stats::compute(
        &chosen,
        report.profile.as_ref().expect("a profile"),
        report.as_at,
        &driftline::stats::Config::default(),
    );
    let query = object(&[("filters", object(&[("team", JsValue::from_str(&team))]))]);
    let table = to_json(&session.stages(&query).expect("the stage table"));
    assert_eq!(table["matched"], serde_json::json!(chosen.len() as f64));
    let stages = table["stages"].as_array().expect("stages");
    assert_eq!(stages.len(), expected.stages.len());
    for (shown, want) in stages.iter().zip(&expected.stages) {
        assert_eq!(shown["id"], serde_json::json!(want.id));
        for (key, value) in [
            ("started", f64::from(want.stats.started)),
            ("completed", f64::from(want.stats.completed)),
            ("censored", f64::from(want.stats.censored)),
            ("waiting_overdue", f64::from(want.stats.waiting_overdue)),
        ] {
            assert_eq!(shown[key], serde_json::json!(value), "{} {key}", want.id);
        }
        assert_eq!(
            shown["median_days"].as_f64(),
            want.stats.median_days,
            "{}",
            want.id
        );
        assert_eq!(
            shown["km"]["median_days"].as_f64(),
            want.stats.km.median_days,
            "{}",
            want.id
        );
    }
}

/// The colour of the device pixel under the CSS point `(x, y)` of `canvas`.
fn canvas_pixel(canvas: &web_sys::HtmlCanvasElement, ratio: f64, x: f32, y: f32) -> [u8; 3] {
    let ctx: web_sys::CanvasRenderingContext2d = canvas
        .get_context("2d")
        .expect("context")
        .expect("2d")
        .dyn_into()
        .expect("a 2D context");
    let data = ctx
        .get_image_data(
            (f64::from(x) * ratio).floor(),
            (f64::from(y) * ratio).floor(),
            1.0,
            1.0,
        )
        .expect("image data")
        .data();
    [data[0], data[1], data[2]]
}

fn new_canvas() -> web_sys::HtmlCanvasElement {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    document
        .create_element("canvas")
        .expect("create canvas")
        .dyn_into()
        .expect("a canvas element")
}

/// Every statistical chart kind is laid out from a session by a plain JavaScript spec, is
/// the library's layout for the same request, and paints on a canvas at device resolution:
/// the delay chart's first bar and the Kaplan–Meier curve's first step are in their colours.
#[wasm_bindgen_test]
fn statistical_charts_are_drawn_on_canvas_from_a_spec() {
    use driftline::chart::{layout_chart, ChartInput, ChartKind, ChartRequest, Item};
    use driftline::web::session::Session;
    let session = Session::new(&js_files(&DEMO), &options(AS_AT)).expect("the demo loads");
    let report = session.report_ref().clone();
    let ratio = 2.0;
    for (kind, parsed) in [
        ("delay", ChartKind::Delay),
        ("km", ChartKind::Km),
        ("histogram", ChartKind::Histogram),
        ("run", ChartKind::Run),
        ("xmr", ChartKind::Xmr),
    ] {
        let spec = object(&[
            ("kind", JsValue::from_str(kind)),
            ("stage", JsValue::from_str("first_review")),
            ("width", JsValue::from_f64(900.0)),
        ]);
        let view = session.chart_view(&spec).expect("the chart lays out");
        let mut request = ChartRequest::new(parsed, report.as_at);
        request.stage = Some("first_review".into());
        request.width = 900.0;
        let expected = layout_chart(ChartInput::from_report(&report), &request).expect("layout");
        assert_eq!(view.layout(), &expected, "{kind}");
        assert!(view.table().lines().count() > 1, "{kind} has a table");
        let canvas = new_canvas();
        view.draw(&canvas, ratio).expect("draws");
        assert_eq!(
            canvas.width(),
            (f64::from(view.width()) * ratio).round() as u32
        );
        // The colour of the first bar (delay) or of the curve's first level (km).
        let probe = view.layout().items.iter().find_map(|i| match (kind, i) {
            (
                "delay",
                Item::Rect {
                    rect,
                    fill: Some(c),
                    pattern: None,
                    ..
                },
            ) if rect.w > 4.0 => Some((rect.x + 2.0, rect.y + rect.h / 2.0, *c)),
            ("km", Item::Polyline { points, stroke }) if points.len() > 2 => {
                Some((points[0].x + 1.5, points[0].y, stroke.color))
            }
            _ => None,
        });
        if let Some((x, y, c)) = probe {
            let got = canvas_pixel(&canvas, ratio, x, y);
            let near = |p: u8, q: u8| (i16::from(p) - i16::from(q)).abs() <= 8;
            assert!(
                near(got[0], c.r) && near(got[1], c.g) && near(got[2], c.b),
                "{kind}: pixel {got:?} at ({x}, {y}), expected {c:?}"
            );
        } else {
            assert!(!matches!(kind, "delay" | "km"), "{kind}: nothing to probe");
        }
    }
    // A stage or breakdown the analysis does not have is an Error that says so.
    let bad = object(&[
        ("kind", JsValue::from_str("km")),
        ("stage", JsValue::from_str("nope")),
    ]);
    let message = error_message(&session.chart_view(&bad).err().expect("refused"));
    assert!(message.contains("no stage \"nope\""), "{message}");
    let bad = object(&[
        ("kind", JsValue::from_str("delay")),
        ("breakdown", JsValue::from_str("shoe_size")),
    ]);
    let message = error_message(&session.chart_view(&bad).err().expect("refused"));
    assert!(message.contains("no breakdown \"shoe_size\""), "{message}");
}

#[wasm_bindgen_test]
fn the_limits_option_is_applied_as_the_library_applies_it() {
    let with = |limits: JsValue| object(&[("asAt", JsValue::from_str(AS_AT)), ("limits", limits)]);
    // A file-size limit below the children file's size refuses it with the core's message.
    let tiny = object(&[("maxFileBytes", JsValue::from_f64(100.0))]);
    let error = driftline::web::analyze(&js_files(&DEMO), &with(tiny))
        .expect_err("every file is over 100 bytes");
    let inputs: Vec<InputFile<'_>> = DEMO
        .iter()
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    let mut options = Options::new(chrono::NaiveDate::from_ymd_opt(2025, 3, 31).expect("date"));
    options.limits.max_file_bytes = 100;
    let expected = driftline::analyze(&inputs, &options).expect_err("the library refuses too");
    assert_eq!(error_message(&error), expected.to_string());
    assert!(error_message(&error).contains("more than the limit"));
    // A generous limit changes nothing.
    let roomy = object(&[("maxFileBytes", JsValue::from_f64(1e9))]);
    assert_same_as_core(
        driftline::web::analyze(&js_files(&DEMO), &with(roomy)),
        &DEMO,
        AS_AT,
    );
    // Bad limits are errors that say which.
    for (limits, says) in [
        (
            object(&[("maxCells", JsValue::from_f64(0.0))]),
            "options.limits.maxCells",
        ),
        (
            object(&[("maxCells", JsValue::from_f64(1.5))]),
            "options.limits.maxCells",
        ),
        (
            object(&[("maxFileMb", JsValue::from_f64(1.0))]),
            "maxFileMb",
        ),
        (JsValue::from_str("big"), "options.limits must be an object"),
    ] {
        let error = driftline::web::analyze(&js_files(&DEMO), &with(limits))
            .expect_err("a bad limit is refused");
        assert!(
            error_message(&error).contains(says),
            "{}",
            error_message(&error)
        );
    }
}

/// A statistical chart drawn from the worker follows the page's filters: its table is the
/// library's chart of exactly the children the filters choose, with their own statistics.
#[wasm_bindgen_test]
fn statistical_charts_follow_the_filters() {
    use driftline::chart::{layout_chart, ChartInput, ChartKind, ChartRequest};
    use driftline::web::session::Session;
    let mut session = Session::new(&js_files(&DEMO), &options(AS_AT)).expect("the demo loads");
    let report = session.report_ref().clone();
    let team = report
        .journeys
        .iter()
        .find_map(|c| c.team.clone())
        .expect("a child with a team");
    let chosen: Vec<driftline::model::Child> = report
        .journeys
        .iter()
        .filter(|c| c.team.as_deref() == Some(&*team))
        .cloned()
        .collect();
    assert!(
        chosen.len() < report.journeys.len(),
        "the filter chooses some"
    );
    let stats = driftline::stats::compute(
        &chosen,
        report.profile.as_ref().expect("a profile"),
        report.as_at,
        &driftline::stats::Config::default(),
    );
    for (kind, parsed) in [("delay", ChartKind::Delay), ("km", ChartKind::Km)] {
        let spec = object(&[
            ("kind", JsValue::from_str(kind)),
            ("slot", JsValue::from_str(kind)),
            ("stage", JsValue::from_str("first_review")),
            ("width", JsValue::from_f64(800.0)),
            ("filters", object(&[("team", JsValue::from_str(&team))])),
        ]);
        session.draw_chart(&spec).expect("draws");
        let mut request = ChartRequest::new(parsed, report.as_at);
        request.stage = Some("first_review".into());
        request.width = 800.0;
        let input = ChartInput {
            children: &chosen,
            stats: &stats.children,
            profile: Some(&stats.profile),
            stages: &stats.stages,
        };
        let expected = layout_chart(input, &request).expect("layout");
        let table = expected.table.as_ref().expect("a table").to_csv();
        assert_eq!(session.chart_table(kind).expect("a table"), table, "{kind}");
        // And not the whole cohort's.
        let whole = layout_chart(ChartInput::from_report(&report), &request).expect("layout");
        assert_ne!(whole.table.as_ref().map(|t| t.to_csv()), Some(table));
    }
}

/// Without `asAt`, the boundary passes the page's today to the core, which takes the latest
/// date in the files up to it, as the command line does without `--as-at`.
#[wasm_bindgen_test]
fn without_as_at_the_date_comes_from_the_files_up_to_today() {
    let today = "2030-06-30";
    let answer = driftline::web::analyze(
        &js_files(&DEMO),
        &object(&[("today", JsValue::from_str(today))]),
    );
    let report = to_json(answer.as_ref().expect("the demo data loads"));
    let inputs: Vec<InputFile<'_>> = DEMO
        .iter()
        .map(|(name, bytes)| InputFile { name, bytes })
        .collect();
    let date = chrono::NaiveDate::parse_from_str(today, "%Y-%m-%d").expect("a date");
    let mut native = Options::as_at_latest_in_data(date);
    native.profile_from_data = true;
    let native = driftline::analyze(&inputs, &native).expect("loads");
    assert_eq!(report["as_at"], native.as_at.to_string());
    assert_eq!(report["as_at_basis"], "latest_date_in_data");
    assert_ne!(report["as_at"], today);
}
