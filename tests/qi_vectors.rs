//! Reference vectors from qicharts2 and NHSRplotthedots (the sections named T1, T2, T3a, T4,
//! T6a, T12a, T12b and T12d) as tests of `driftline::qi`.
//!
//! Each table is transcribed verbatim from the named package's
//! own code and tests (qicharts2, jsphdms/runchart, NHSRplotthedots 0.2.2). R expressions in
//! the tables (`c(1:4,rep(NA,2),5)`) are kept as written and evaluated by the small parser at
//! the bottom of this file, so the tables can be compared with their source by eye.
//! Floats are compared with a relative tolerance of 1e-9, or 1e-6 where the source rounds.

use chrono::NaiveDate;
use driftline::qi::{
    self, analyze, analyze_values, mdc, runs, ChartKind, RuleSet, SpcChart, SpcConfig,
    SpecialCause, Variation,
};

// ---------------------------------------------------------------------------------------------
// T1 — Anhøj critical values, n.useful = 10..100.
// Source: anhoej/qicharts2 docs/articles/qicharts2.html, Appendix 2
// (`round(log2(n) + 3)`, `qbinom(0.05, n - 1, 0.5)`).
// ---------------------------------------------------------------------------------------------
const T1: &str = "\
n_useful,longest_run_max,n_crossings_min
10,6,2
11,6,2
12,7,3
13,7,3
14,7,4
15,7,4
16,7,4
17,7,5
18,7,5
19,7,6
20,7,6
21,7,6
22,7,7
23,8,7
24,8,8
25,8,8
26,8,8
27,8,9
28,8,9
29,8,10
30,8,10
31,8,11
32,8,11
33,8,11
34,8,12
35,8,12
36,8,13
37,8,13
38,8,14
39,8,14
40,8,14
41,8,15
42,8,15
43,8,16
44,8,16
45,8,17
46,9,17
47,9,17
48,9,18
49,9,18
50,9,19
51,9,19
52,9,20
53,9,20
54,9,21
55,9,21
56,9,21
57,9,22
58,9,22
59,9,23
60,9,23
61,9,24
62,9,24
63,9,25
64,9,25
65,9,25
66,9,26
67,9,26
68,9,27
69,9,27
70,9,28
71,9,28
72,9,29
73,9,29
74,9,29
75,9,30
76,9,30
77,9,31
78,9,31
79,9,32
80,9,32
81,9,33
82,9,33
83,9,34
84,9,34
85,9,34
86,9,35
87,9,35
88,9,36
89,9,36
90,9,37
91,10,37
92,10,38
93,10,38
94,10,39
95,10,39
96,10,39
97,10,40
98,10,40
99,10,41
100,10,41
";

#[test]
fn t1_anhoej_critical_values() {
    let rows = csv_rows(T1);
    assert_eq!(rows.len(), 91);
    for row in rows {
        let n: usize = parse(&row[0]);
        let max: usize = parse(&row[1]);
        let min: usize = parse(&row[2]);
        assert_eq!(
            runs::longest_run_max(n),
            max,
            "longest_run_max, n_useful = {n}"
        );
        assert_eq!(runs::crossings_min(n), min, "crossings_min, n_useful = {n}");
    }
}

// ---------------------------------------------------------------------------------------------
// T2 — Run chart (median) runs analysis, qicharts2 algorithm.
// Source: anhoej/qicharts2 R/helper.functions.R (`qic.run` + `runs.analysis`) in R 4.2.2;
// montgomery_tbl_6_7 = qicharts2 tbl_06.07$cost; wheeler_verify and peak_flow from
// mattmccormick/statprocon tests/test_xmr.py.
// ---------------------------------------------------------------------------------------------
const T2: &str = "\
case,y,median,n_obs,n_useful,longest_run,longest_run_max,n_crossings,n_crossings_min,runs_signal
inc12,1 2 3 4 5 6 7 8 9 10 11 12,6.5,12,12,6,7,1,3,1
one_to_11_median_point,1 2 3 4 5 6 7 8 9 10 11,6,11,10,5,6,1,2,1
alternating10,1 3 1 3 1 3 1 3 1 3,2,10,10,1,6,9,2,0
many_on_median,5 5 5 5 5 6 4 5 6 4 5 5,5,12,4,1,5,3,0,0
step_shift20,2 3 2 4 3 2 3 4 3 2 6 7 6 8 7 6 7 8 6 7,5,20,20,10,7,1,6,1
montgomery_tbl_6_7,310 288 297 298 307 303 294 297 308 306 294 299 297 299 314 295 293 306 301 304 305 282 305 296 314 295 287 301 298 311 310 292 305 299 304 310 304 305 333 328,302,40,40,6,8,20,14,0
wheeler_verify,5045 4350 4350 3975 4290 4430 4485 4285 3980 3925 3645 3760 3300 3685 3463 5200,4132.5,16,16,7,7,4,4,0
peak_flow,120 140 100 150 260 150 100 120 300 300 275 300 140 170 150 150 190 180,150,18,14,4,7,5,4,0
";

#[test]
fn t2_run_chart_runs_analysis() {
    let rows = csv_rows(T2);
    assert_eq!(rows.len(), 8);
    for row in rows {
        let case = &row[0];
        let y: Vec<f64> = row[1].split(' ').map(parse).collect();
        let chart = analyze_values(&y, &SpcConfig::new(ChartKind::Run)).expect(case);
        assert_eq!(
            chart.rules,
            RuleSet::Anhoej,
            "{case}: default run-chart rules"
        );
        assert_close(chart.segments[0].lines.centre, parse(&row[2]), 1e-9, case);
        let runs = chart
            .runs
            .as_ref()
            .expect("run charts have a runs analysis");
        assert_eq!(runs.n_obs, parse::<usize>(&row[3]), "{case}: n_obs");
        assert_eq!(runs.n_useful, parse::<usize>(&row[4]), "{case}: n_useful");
        assert_eq!(
            runs.longest_run,
            Some(parse(&row[5])),
            "{case}: longest_run"
        );
        assert_eq!(
            runs.longest_run_max,
            Some(parse(&row[6])),
            "{case}: longest_run_max"
        );
        assert_eq!(runs.crossings, Some(parse(&row[7])), "{case}: crossings");
        assert_eq!(
            runs.crossings_min,
            Some(parse(&row[8])),
            "{case}: crossings_min"
        );
        assert_eq!(runs.signal, &row[9] == "1", "{case}: runs_signal");
    }
}

/// Where the longest run lies, and which rule fired, for two of the T2 cases.
#[test]
fn t2_longest_run_location_and_rule_fired() {
    // step_shift20: the last 10 points (indices 10..=19) are above the median 5.
    let y = [
        2., 3., 2., 4., 3., 2., 3., 4., 3., 2., 6., 7., 6., 8., 7., 6., 7., 8., 6., 7.,
    ];
    let chart = analyze_values(&y, &SpcConfig::new(ChartKind::Run)).expect("chart");
    let runs = chart.runs.expect("runs");
    let at = runs.longest_run_at.expect("a longest run");
    assert_eq!(
        (at.start, at.end),
        (0, 9),
        "the first of the two runs of 10"
    );
    assert_eq!(
        runs.fired,
        vec![qi::RunsRule::LongestRun, qi::RunsRule::Crossings]
    );
    // one_to_11_median_point: the point on the median (6, index 5) is dropped; the runs are
    // 0..=4 and 6..=10, and only the crossings rule fires (5 is not > 6).
    let y: Vec<f64> = (1..=11).map(f64::from).collect();
    let chart = analyze_values(&y, &SpcConfig::new(ChartKind::Run)).expect("chart");
    let runs = chart.runs.expect("runs");
    let at = runs.longest_run_at.expect("a longest run");
    assert_eq!((at.start, at.end), (0, 4));
    assert_eq!(runs.fired, vec![qi::RunsRule::Crossings]);
}

// ---------------------------------------------------------------------------------------------
// T3a — qicharts2 vignette example, I chart (set.seed(19); y <- rnorm(24); y[22] <- 4;
// y[13:24] <- rnorm(12, mean = 2)).
// Source: anhoej/qicharts2 vignettes/qicharts2.Rmd and docs/articles/qicharts2.html.
// ---------------------------------------------------------------------------------------------
const T3A: &str = "\
i,y
1,-1.18945374525972
2,0.388581229632553
3,-0.344333349210725
4,-0.547896138418295
5,0.980662215750192
6,-0.236646007272852
7,0.809739704347715
8,-0.744779528664041
9,-0.259787013127099
10,-0.183083830410215
11,0.518629987612905
12,0.883465100720314
13,1.00128475258219
14,2.53482999228741
15,1.87623204831409
16,4.1193033079271
17,0.486524126076013
18,2.25519487062244
19,3.50474143843066
20,1.60991952529912
21,2.57935817012673
22,2.21035583968694
23,2.94404277553313
24,0.173306766388917
";

#[test]
fn t3a_qicharts2_i_chart() {
    let y = column(T3A, 1);
    assert_eq!(y.len(), 24);
    // qic(y, chart = 'i'): qicharts2 conventions (Anhøj rules, screened MR).
    let config = SpcConfig {
        rules: Some(RuleSet::Anhoej),
        ..SpcConfig::new(ChartKind::Xmr)
    };
    let chart = analyze_values(&y, &config).expect("chart");
    assert_eq!(chart.segments.len(), 1);
    let p = chart.segments[0].lines;
    assert_close(p.centre, 1.05709134329, 1e-9, "CL");
    assert_close(some(p.lower), -2.11488424840, 1e-9, "aLCL");
    assert_close(some(p.upper), 4.22906693498, 1e-9, "aUCL");
    assert_close(some(p.lower_2sigma), -1.057559, 1e-6, "aLCL.95");
    assert_close(some(p.upper_2sigma), 3.171742, 1e-6, "aUCL.95");
    let runs = chart.runs.as_ref().expect("runs");
    assert_eq!(runs.n_obs, 24);
    assert_eq!(runs.n_useful, 24);
    assert_eq!(runs.longest_run, Some(13));
    assert_eq!(runs.longest_run_max, Some(8));
    assert_eq!(runs.crossings, Some(4));
    assert_eq!(runs.crossings_min, Some(8));
    assert!(runs.signal, "runs.signal 1");
    // sigma.signal 0: no point outside the limits.
    assert_eq!(count_outside(&chart), 0);

    // As a run chart: median 0.846602402534, longest run 6 (max 8), 6 crossings (min 8).
    let chart = analyze_values(&y, &SpcConfig::new(ChartKind::Run)).expect("chart");
    assert_close(
        chart.segments[0].lines.centre,
        0.846602402534,
        1e-9,
        "median",
    );
    let runs = chart.runs.as_ref().expect("runs");
    assert_eq!(runs.longest_run, Some(6));
    assert_eq!(runs.longest_run_max, Some(8));
    assert_eq!(runs.crossings, Some(6));
    assert_eq!(runs.crossings_min, Some(8));
    assert!(runs.signal);
    assert_eq!(runs.fired, vec![qi::RunsRule::Crossings]);
}

// ---------------------------------------------------------------------------------------------
// T4 — IHI-style shift (6 points vs a fixed median) and trend (5 points).
// Source: jsphdms/runchart tests/testthat/test_shift_basic.R and test_trend_basic.R
// (functions in R/shift.R, R/trend.R). Expected indices are 1-based, as in R.
// ---------------------------------------------------------------------------------------------
const T4: &str = r#"function,base,input,expected_flagged_indices
basic_shift,0,1:5,NULL
basic_shift,0,1:6,1:6
basic_shift,0,-1:-7,1:7
basic_shift,2,"rep(c(1,3),5)",NULL
basic_shift,0,"c(0,1:3,3:1)",2:7
basic_shift,0,"c(rep(c(1,-1),3),1)",NULL
basic_shift,0,"c(rep(1,5),rep(0,9))",NULL
basic_shift,0,"c(rep(1,5),rep(0,2),1)",1:8
basic_shift,0,"c(rep(1,5),rep(NA,2),1)","c(1:5,8)"
basic_shift,0,"c(1:5,NA,0,1)","c(1:5,7,8)"
basic_shift,0,"c(rep(0,5),rep(1,8))",6:13
basic_shift,0,"c(rep(1,4),rep(0,4),rep(1,2))",1:10
basic_shift,0,"c(1:6,0)",1:7
basic_shift,0,"c(1:6,-1,1:2)",1:6
basic_shift,0,"c(1:6,-1:-6)",1:12
basic_shift,0,"c(1:6,NA,-1:-6)","c(1:6,8:13)"
basic_trend,,1:4,NULL
basic_trend,,1:5,1:5
basic_trend,,"rep(c(1,3),5)",NULL
basic_trend,,"c(1:4,3:1)",NULL
basic_trend,,"c(1:9,8:1)","trend1 = 1:9 ; trend2 = 9:17"
basic_trend,,"c(1:4,rep(4,9))",NULL
basic_trend,,"c(1:4,rep(4,2),5)",1:7
basic_trend,,"c(1:4,rep(NA,2),5)","1:4,7"
basic_trend,,"c(rep(0,5),1:8)",5:13
basic_trend,,"c(1:4,4,5)",1:6
basic_trend,,"c(1:5,-1,1:2)",1:5
basic_trend,,"c(1:5,-1:-5)","trend1 = 1:5 ; trend2 = 5:10"
basic_trend,,"c(5,6,6,5,5,6,7,8,9)",4:9
basic_trend,,"c(0,1,5,2,3,8,2,2,3,4,7,4,3,4,2,3,1,2,3,2,8,9,7,8,7,9,NA,7,7,8)",NULL
"#;

#[test]
fn t4_ihi_shift_and_trend() {
    let rows = csv_rows(T4);
    assert_eq!(rows.len(), 30);
    for row in rows {
        let input = r_vector(&row[2]);
        let expected = &row[3];
        match row[0].as_str() {
            "basic_shift" => {
                let base: f64 = parse(&row[1]);
                let got: Vec<usize> = runs::ihi_shift(&input, base, runs::IHI_SHIFT)
                    .into_iter()
                    .map(|i| i + 1)
                    .collect();
                let want: Vec<usize> = r_vector(expected).iter().map(|&v| v as usize).collect();
                assert_eq!(got, want, "basic_shift({base}, {})", row[2]);
            }
            "basic_trend" => {
                let got: Vec<Vec<usize>> = runs::ihi_trends(&input, runs::IHI_TREND)
                    .into_iter()
                    .map(|t| t.indices.into_iter().map(|i| i + 1).collect())
                    .collect();
                let want: Vec<Vec<usize>> = if expected.contains("trend1") {
                    expected
                        .split(';')
                        .map(|part| {
                            let expr = part.split('=').nth(1).unwrap_or("").trim();
                            r_vector(expr).iter().map(|&v| v as usize).collect()
                        })
                        .collect()
                } else if expected == "NULL" {
                    Vec::new()
                } else {
                    // A single trend, written as an R index vector ("1:4,7" is c(1:4,7)).
                    let expr = if expected.contains(',') && !expected.starts_with("c(") {
                        format!("c({expected})")
                    } else {
                        expected.clone()
                    };
                    vec![r_vector(&expr).iter().map(|&v| v as usize).collect()]
                };
                assert_eq!(got, want, "basic_trend({})", row[2]);
            }
            other => panic!("unknown function {other}"),
        }
    }
}

/// The directions runchart's trends carry (increasing, then decreasing after the turn).
#[test]
fn t4_trend_directions() {
    let input = r_vector("c(1:9,8:1)");
    let dirs: Vec<i8> = runs::ihi_trends(&input, runs::IHI_TREND)
        .iter()
        .map(|t| t.direction)
        .collect();
    assert_eq!(dirs, vec![1, -1]);
}

// ---------------------------------------------------------------------------------------------
// T6a — I chart, Montgomery Table 6.7 (weeks 1–40, cost), freeze = 20.
// Source: anhoej/qicharts2 tests/testthat/test_montgomery.R, fixture ex_6.5_3.rds
// (`qic(weeks, cost, data = tbl_06.07, chart = 'i', freeze = 20)`).
// ---------------------------------------------------------------------------------------------
const T6A: &str = "\
xx,y,cl,lcl,ucl,baseline,sigma.signal
1,310,300.5,279.783314669653,321.216685330347,TRUE,FALSE
2,288,300.5,279.783314669653,321.216685330347,TRUE,FALSE
3,297,300.5,279.783314669653,321.216685330347,TRUE,FALSE
4,298,300.5,279.783314669653,321.216685330347,TRUE,FALSE
5,307,300.5,279.783314669653,321.216685330347,TRUE,FALSE
6,303,300.5,279.783314669653,321.216685330347,TRUE,FALSE
7,294,300.5,279.783314669653,321.216685330347,TRUE,FALSE
8,297,300.5,279.783314669653,321.216685330347,TRUE,FALSE
9,308,300.5,279.783314669653,321.216685330347,TRUE,FALSE
10,306,300.5,279.783314669653,321.216685330347,TRUE,FALSE
11,294,300.5,279.783314669653,321.216685330347,TRUE,FALSE
12,299,300.5,279.783314669653,321.216685330347,TRUE,FALSE
13,297,300.5,279.783314669653,321.216685330347,TRUE,FALSE
14,299,300.5,279.783314669653,321.216685330347,TRUE,FALSE
15,314,300.5,279.783314669653,321.216685330347,TRUE,FALSE
16,295,300.5,279.783314669653,321.216685330347,TRUE,FALSE
17,293,300.5,279.783314669653,321.216685330347,TRUE,FALSE
18,306,300.5,279.783314669653,321.216685330347,TRUE,FALSE
19,301,300.5,279.783314669653,321.216685330347,TRUE,FALSE
20,304,300.5,279.783314669653,321.216685330347,TRUE,FALSE
21,305,300.5,279.783314669653,321.216685330347,FALSE,FALSE
22,282,300.5,279.783314669653,321.216685330347,FALSE,FALSE
23,305,300.5,279.783314669653,321.216685330347,FALSE,FALSE
24,296,300.5,279.783314669653,321.216685330347,FALSE,FALSE
25,314,300.5,279.783314669653,321.216685330347,FALSE,FALSE
26,295,300.5,279.783314669653,321.216685330347,FALSE,FALSE
27,287,300.5,279.783314669653,321.216685330347,FALSE,FALSE
28,301,300.5,279.783314669653,321.216685330347,FALSE,FALSE
29,298,300.5,279.783314669653,321.216685330347,FALSE,FALSE
30,311,300.5,279.783314669653,321.216685330347,FALSE,FALSE
31,310,300.5,279.783314669653,321.216685330347,FALSE,FALSE
32,292,300.5,279.783314669653,321.216685330347,FALSE,FALSE
33,305,300.5,279.783314669653,321.216685330347,FALSE,FALSE
34,299,300.5,279.783314669653,321.216685330347,FALSE,FALSE
35,304,300.5,279.783314669653,321.216685330347,FALSE,FALSE
36,310,300.5,279.783314669653,321.216685330347,FALSE,FALSE
37,304,300.5,279.783314669653,321.216685330347,FALSE,FALSE
38,305,300.5,279.783314669653,321.216685330347,FALSE,FALSE
39,333,300.5,279.783314669653,321.216685330347,FALSE,TRUE
40,328,300.5,279.783314669653,321.216685330347,FALSE,TRUE
";

#[test]
fn t6a_montgomery_i_chart_with_freeze() {
    let rows = csv_rows(T6A);
    assert_eq!(rows.len(), 40);
    let y: Vec<f64> = rows.iter().map(|r| parse(&r[1])).collect();
    let config = SpcConfig {
        rules: Some(RuleSet::Anhoej),
        baseline: Some(20),
        ..SpcConfig::new(ChartKind::Xmr)
    };
    let chart = analyze_values(&y, &config).expect("chart");
    assert_eq!(chart.points.len(), 40);
    for (row, p) in rows.iter().zip(&chart.points) {
        let label = format!("point {}", row[0]);
        let lines = chart.lines_of(p).expect("lines");
        assert_eq!(p.value, parse::<f64>(&row[1]), "{label}");
        assert_close(lines.centre, parse(&row[2]), 1e-9, &label);
        assert_close(some(lines.lower), parse(&row[3]), 1e-9, &label);
        assert_close(some(lines.upper), parse(&row[4]), 1e-9, &label);
        assert_eq!(p.baseline, &row[5] == "TRUE", "{label}: baseline");
        let sigma_signal = matches!(
            p.special_cause,
            Some(SpecialCause::AboveUpper | SpecialCause::BelowLower)
        );
        assert_eq!(sigma_signal, &row[6] == "TRUE", "{label}: sigma.signal");
    }
    let seg = &chart.segments[0];
    assert_close(
        some(seg.amr),
        148.0 / 19.0,
        1e-9,
        "AMR of the 19 baseline MRs",
    );
    assert_eq!(seg.screened_moving_ranges, 0, "no MR >= 3.267 AMR");
    assert_eq!(seg.baseline_points, 20);
    assert!(!seg.provisional);
    // Runs of all 40 points against CL 300.5.
    let runs = chart.runs.as_ref().expect("runs");
    assert_eq!(runs.n_useful, 40);
    assert_eq!(runs.longest_run, Some(6));
    assert_eq!(runs.longest_run_max, Some(8));
    assert_eq!(runs.crossings, Some(20));
    assert_eq!(runs.crossings_min, Some(14));
    assert!(!runs.signal);
}

// ---------------------------------------------------------------------------------------------
// T12a — NHSRplotthedots rule helper unit tests.
// Source: nhs-r-community/NHSRplotthedots tests/testthat/test-ptd_calculate_point_type.R
// (v0.2.2). Commas inside R expressions are written as `;`.
// ---------------------------------------------------------------------------------------------
const T12A: &str = r#"function,input_1,input_2,expected
ptd_seven_point_one_side_mean,rep(1;6),,0;0;0;0;0;0
ptd_seven_point_one_side_mean,"c(rep(1;6);-1)",,0;0;0;0;0;0;0
ptd_seven_point_one_side_mean,"c(rep(1;8);-1)",,0;0;0;0;0;0;1;1;0
ptd_seven_point_one_side_mean,"c(rep(-1;8);1)",,0;0;0;0;0;0;1;1;0
ptd_part_of_seven_trend,"c(rep(0;6);1;0)",,1;1;1;1;1;1;1;0
ptd_part_of_seven_trend,"c(rep(0;7);1;0)",,0;1;1;1;1;1;1;1;0
ptd_part_of_seven_trend,"c(rep(0;6);-1;0)",,1;1;1;1;1;1;1;0
ptd_seven_point_trend,1:6,,0;0;0;0;0;0
ptd_seven_point_trend,"c(1:3;3:6)",,0;0;0;0;0;0;0
ptd_seven_point_trend,1:7,,0;0;0;0;0;0;1
ptd_seven_point_trend,"c(2;1:7;3)",,0;0;0;0;0;0;0;1;0
ptd_seven_point_trend,7:1,,0;0;0;0;0;0;-1
ptd_seven_point_trend,"c(2;7:1;3)",,0;0;0;0;0;0;0;-1;0
ptd_two_in_three,"c(1;0;1)","c(1;1;1)",1;1;1
ptd_two_in_three,"c(0;1;1)","c(1;1;1)",1;1;1
ptd_two_in_three,"c(0;0;1;0;1;0;0)",rep(1;7),0;0;1;1;1;0;0
ptd_two_in_three,"c(0;0;1;1;0;0;0)",rep(1;7),0;1;1;1;1;0;0
ptd_two_in_three,"c(1;0;1)","c(1;-1;1)",0;0;0
ptd_two_in_three,"c(0;0;1;0;1;0;0)","c(1;-1;1;-1;1;-1;1)",0;0;0;0;0;0;0
ptd_part_of_two_in_three(ptd_two_in_three(v;rtm);v),"c(1;0;0;1)",rep(1;4),0;0;0;0
ptd_part_of_two_in_three(ptd_two_in_three(v;rtm);v),"c(1;0;0;1;1)",rep(1;5),0;0;0;1;1
"#;

#[test]
fn t12a_nhsrplotthedots_rule_helpers() {
    let rows = csv_rows(T12A);
    assert_eq!(rows.len(), 21);
    const SEVEN: usize = 7;
    for row in rows {
        let input_1 = r_vector(&row[1].replace(';', ","));
        let expected: Vec<i8> = row[3].split(';').map(parse).collect();
        let as_i8 = |v: &[f64]| -> Vec<i8> { v.iter().map(|&x| x as i8).collect() };
        let as_bool = |v: &[f64]| -> Vec<bool> { v.iter().map(|&x| x != 0.0).collect() };
        let from_bool = |v: Vec<bool>| -> Vec<i8> { v.into_iter().map(i8::from).collect() };
        let got: Vec<i8> = match row[0].as_str() {
            "ptd_seven_point_one_side_mean" => {
                from_bool(mdc::run_one_side(&as_i8(&input_1), SEVEN))
            }
            "ptd_part_of_seven_trend" => from_bool(mdc::part_of_run(&as_i8(&input_1), SEVEN)),
            "ptd_seven_point_trend" => mdc::monotone_run(&input_1, SEVEN),
            "ptd_two_in_three" => {
                let rtm = as_i8(&r_vector(&row[2].replace(';', ",")));
                from_bool(mdc::two_in_three(&as_bool(&input_1), &rtm))
            }
            "ptd_part_of_two_in_three(ptd_two_in_three(v;rtm);v)" => {
                let rtm = as_i8(&r_vector(&row[2].replace(';', ",")));
                let v = as_bool(&input_1);
                from_bool(mdc::part_of_two_in_three(&mdc::two_in_three(&v, &rtm), &v))
            }
            other => panic!("unknown function {other}"),
        };
        assert_eq!(got, expected, "{}({}, {})", row[0], row[1], row[2]);
    }
}

/// The mock-based precedence test of `ptd_special_cause_type` (same source file).
#[test]
fn t12a_special_cause_precedence_mock() {
    let y: Vec<f64> = (1..=8).map(f64::from).collect();
    let rtm: [i8; 8] = [1, 1, 1, 1, -1, -1, -1, -1];
    let outside = nonzero(&[0, 0, 0, 0, 0, 1, -1, 0]);
    let part_trend = nonzero(&[1, -1, 0, 0, 0, 0, 0, 0]);
    let part_two_in_three = nonzero(&[0, 0, 0, 0, 1, 0, 0, 0]);
    let part_shift = nonzero(&[0, 0, 1, -1, 0, 0, 0, 0]);
    let got = mdc::special_cause_type(
        &y,
        &rtm,
        &outside,
        &part_trend,
        &part_two_in_three,
        &part_shift,
    );
    let expected = [
        "7 Point Trend (Increasing)",
        "7 Point Trend (Increasing)",
        "7 Points Above CL",
        "7 Points Above CL",
        "2 in 3 Below CL",
        "Below LCL",
        "Below LCL",
        "Common Cause",
    ];
    let got: Vec<&str> = got.into_iter().map(nhsr_label).collect();
    assert_eq!(got, expected);
}

// ---------------------------------------------------------------------------------------------
// T12b — NHSRplotthedots limits: set.seed(123); y <- rnorm(20), dates 2020-01-02 … 2020-01-21.
// Source: nhs-r-community/NHSRplotthedots tests/testthat/test-ptd_spc_standard.R,
// _snaps/ptd_spc_standard.md and _snaps/ptd_spc.md.
// ---------------------------------------------------------------------------------------------
const T12B: &str = "\
i,y
1,-0.560475646552213
2,-0.23017748948328
3,1.55870831414912
4,0.070508391424576
5,0.129287735160946
6,1.71506498688328
7,0.460916205989202
8,-1.26506123460653
9,-0.686852851893526
10,-0.445661970099958
11,1.22408179743946
12,0.359813827057364
13,0.400771450594052
14,0.11068271594512
15,-0.555841134754075
16,1.78691313680308
17,0.497850478229239
18,-1.96661715662964
19,0.701355901563686
20,-0.472791407727934
";

fn t12b_series(y: &[f64]) -> Vec<(NaiveDate, f64)> {
    y.iter()
        .enumerate()
        .map(|(i, &v)| (date(2020, 1, 2 + i as u32), v))
        .collect()
}

#[test]
fn t12b_limits_and_common_cause() {
    let y = column(T12B, 1);
    assert_eq!(y.len(), 20);
    let chart = analyze(&t12b_series(&y), &SpcConfig::default()).expect("chart");
    assert_eq!(chart.rules, RuleSet::Mdc);
    let seg = &chart.segments[0];
    assert_close(seg.lines.centre, 0.141623802474599, 1e-9, "mean");
    assert_close(some(seg.lines.lower), -3.0113795957081, 1e-9, "lpl");
    assert_close(some(seg.lines.upper), 3.2946272006573, 1e-9, "upl");
    assert_close(some(seg.amr), 1.1853396234, 1e-9, "AMR");
    assert_eq!(seg.screened_moving_ranges, 0, "no MR screened");
    // The 7 s.f. snapshot.
    assert_close(seg.lines.centre, 0.1416238, 1e-6, "snapshot mean");
    assert_close(some(seg.lines.lower), -3.01138, 1e-6, "snapshot lpl");
    assert_close(some(seg.lines.upper), 3.294627, 1e-6, "snapshot upl");
    for (i, p) in chart.points.iter().enumerate() {
        assert_eq!(p.special_cause, None, "point {}", i + 1);
        assert_eq!(p.variation, Variation::Common, "point {}", i + 1);
    }
    assert_eq!(chart.points[0].date, Some(date(2020, 1, 2)));
    assert_eq!(chart.points[19].date, Some(date(2020, 1, 21)));
}

#[test]
fn t12b_outlier_screened_and_unscreened() {
    let mut y = column(T12B, 1);
    y[14] = 10.0; // y[15] <- 10 in R.
    let series = t12b_series(&y);
    let chart = analyze(&series, &SpcConfig::default()).expect("chart");
    let seg = &chart.segments[0];
    assert_close(seg.lines.centre, 0.6694158592, 1e-9, "screened mean");
    assert_close(
        some(seg.lines.lower),
        -2.38366559727413,
        1e-9,
        "screened lpl",
    );
    assert_close(
        some(seg.lines.upper),
        3.72249731569874,
        1e-9,
        "screened upl",
    );
    assert_close(
        some(seg.amr_unscreened),
        1.9797146773,
        1e-9,
        "AMR before screening",
    );
    assert_close(some(seg.amr), 1.1477749836, 1e-9, "AMR after screening");
    assert_close(some(seg.lines.lower), -2.383666, 1e-6, "snapshot lpl");
    assert_close(some(seg.lines.upper), 3.722497, 1e-6, "snapshot upl");
    assert_eq!(
        chart.points[14].special_cause,
        Some(SpecialCause::AboveUpper),
        "point 15 = 'Above UCL'"
    );
    // The two moving ranges either side of the outlier are the ones screened out.
    let screened: Vec<usize> = chart
        .points
        .iter()
        .enumerate()
        .filter(|(_, p)| p.screened)
        .map(|(i, _)| i + 1)
        .collect();
    assert_eq!(screened, vec![15, 16]);
    assert_eq!(seg.screened_moving_ranges, 2);

    let unscreened = SpcConfig {
        screen: false,
        ..SpcConfig::default()
    };
    let chart = analyze(&series, &unscreened).expect("chart");
    let seg = &chart.segments[0];
    assert_close(
        some(seg.lines.lower),
        -4.59662518246976,
        1e-9,
        "unscreened lpl",
    );
    assert_close(
        some(seg.lines.upper),
        5.93545690089436,
        1e-9,
        "unscreened upl",
    );
    assert_close(
        some(seg.lines.lower),
        -4.596625,
        1e-6,
        "snapshot unscreened lpl",
    );
    assert_close(
        some(seg.lines.upper),
        5.935457,
        1e-6,
        "snapshot unscreened upl",
    );
    assert_eq!(
        chart.points[14].special_cause,
        Some(SpecialCause::AboveUpper)
    );
}

#[test]
fn t12b_facets_as_segments() {
    let y = column(T12B, 1);
    let expected = [
        (0.0746256440971619, -2.60058540774544, 2.74983669593976),
        (0.208621960852035, -3.27900544772941, 3.69624936943348),
    ];
    let rounded = [(0.0746, -2.60, 2.75), (0.209, -3.28, 3.70)];
    // Rebasing at the 11th date gives each half its own centre and limits ...
    let config = SpcConfig {
        rebase: vec![date(2020, 1, 12)],
        ..SpcConfig::default()
    };
    let chart = analyze(&t12b_series(&y), &config).expect("chart");
    assert_eq!(chart.segments.len(), 2);
    assert_eq!((chart.segments[0].start, chart.segments[0].end), (0, 9));
    assert_eq!((chart.segments[1].start, chart.segments[1].end), (10, 19));
    for (k, seg) in chart.segments.iter().enumerate() {
        let (mean, lpl, upl) = expected[k];
        assert_close(seg.lines.centre, mean, 1e-9, "facet mean");
        assert_close(some(seg.lines.lower), lpl, 1e-9, "facet lpl");
        assert_close(some(seg.lines.upper), upl, 1e-9, "facet upl");
        // The snapshot prints 3 s.f.
        let (mean, lpl, upl) = rounded[k];
        assert_close(seg.lines.centre, mean, 5e-3, "facet mean, 3 s.f.");
        assert_close(some(seg.lines.lower), lpl, 5e-3, "facet lpl, 3 s.f.");
        assert_close(some(seg.lines.upper), upl, 5e-3, "facet upl, 3 s.f.");
        assert!(seg.provisional, "10 points: provisional limits");
    }
    // ... exactly as charting each facet on its own does.
    for (k, half) in [&y[..10], &y[10..]].into_iter().enumerate() {
        let chart = analyze_values(half, &SpcConfig::default()).expect("chart");
        let (mean, lpl, upl) = expected[k];
        assert_close(chart.segments[0].lines.centre, mean, 1e-9, "facet mean");
        assert_close(some(chart.segments[0].lines.lower), lpl, 1e-9, "facet lpl");
        assert_close(some(chart.segments[0].lines.upper), upl, 1e-9, "facet upl");
    }
}

#[test]
fn t12b_rebase_before_the_first_date_changes_nothing() {
    let y = column(T12B, 1);
    let series = t12b_series(&y);
    let plain = analyze(&series, &SpcConfig::default()).expect("chart");
    let rebased = analyze(
        &series,
        &SpcConfig {
            rebase: vec![date(2020, 1, 1)],
            ..SpcConfig::default()
        },
    )
    .expect("chart");
    assert_eq!(rebased, plain);
    assert_eq!(rebased.segments.len(), 1);
}

// ---------------------------------------------------------------------------------------------
// T12d — 2-in-3 requires the same side of the mean.
// Source: nhs-r-community/NHSRplotthedots tests/testthat/test-ptd_spc_standard.R (last test):
// data = rep(c(1, -1), 8) with [15] <- 5.5, [16] <- -5.5.
// ---------------------------------------------------------------------------------------------
const T12D: &str = "\
i,y,rel_to_mean,close_to_limits,outside_limits,special_cause_type,point_type
1,1,1,0,0,Common Cause,common_cause
2,-1,-1,0,0,Common Cause,common_cause
3,1,1,0,0,Common Cause,common_cause
4,-1,-1,0,0,Common Cause,common_cause
5,1,1,0,0,Common Cause,common_cause
6,-1,-1,0,0,Common Cause,common_cause
7,1,1,0,0,Common Cause,common_cause
8,-1,-1,0,0,Common Cause,common_cause
9,1,1,0,0,Common Cause,common_cause
10,-1,-1,0,0,Common Cause,common_cause
11,1,1,0,0,Common Cause,common_cause
12,-1,-1,0,0,Common Cause,common_cause
13,1,1,0,0,Common Cause,common_cause
14,-1,-1,0,0,Common Cause,common_cause
15,5.5,1,1,0,Common Cause,common_cause
16,-5.5,-1,1,0,Common Cause,common_cause
";

#[test]
fn t12d_two_in_three_needs_the_same_side() {
    let rows = csv_rows(T12D);
    assert_eq!(rows.len(), 16);
    let y: Vec<f64> = rows.iter().map(|r| parse(&r[1])).collect();
    let chart = analyze_values(&y, &SpcConfig::default()).expect("chart");
    let seg = &chart.segments[0];
    assert_close(seg.lines.centre, 0.0, 1e-9, "mean");
    assert_close(some(seg.amr_unscreened), 2.9, 1e-9, "AMR");
    assert_close(some(seg.amr), 2.3214285714, 1e-9, "screened AMR");
    assert_close(some(seg.lines.lower), -6.175, 1e-9, "lpl");
    assert_close(some(seg.lines.upper), 6.175, 1e-9, "upl");
    assert_close(some(seg.lines.lower_2sigma), -4.1166666667, 1e-9, "nlpl");
    assert_close(some(seg.lines.upper_2sigma), 4.1166666667, 1e-9, "nupl");

    let rtm = mdc::relative_to_mean(&y, seg.lines.centre);
    let outside = mdc::outside_limits(&y, some(seg.lines.lower), some(seg.lines.upper));
    let close = mdc::close_to_limits(
        &y,
        some(seg.lines.lower_2sigma),
        some(seg.lines.upper_2sigma),
        &outside,
    );
    for (k, row) in rows.iter().enumerate() {
        let label = format!("point {}", row[0]);
        assert_eq!(rtm[k], parse::<i8>(&row[2]), "{label}: rel_to_mean");
        assert_eq!(close[k], &row[3] == "1", "{label}: close_to_limits");
        assert_eq!(outside[k], &row[4] == "1", "{label}: outside_limits");
        let p = &chart.points[k];
        assert_eq!(
            nhsr_label(p.special_cause),
            row[5],
            "{label}: special_cause_type"
        );
        let point_type = match p.variation {
            Variation::Common => "common_cause",
            Variation::Improvement => "special_cause_improvement",
            Variation::Concern => "special_cause_concern",
            Variation::NeutralHigh => "special_cause_neutral_high",
            Variation::NeutralLow => "special_cause_neutral_low",
        };
        assert_eq!(point_type, row[6], "{label}: point_type");
    }
}

// ---------------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------------

/// `|actual − expected| <= rel · |expected|`, with a 1e-12 absolute floor for expected zeros.
fn assert_close(actual: f64, expected: f64, rel: f64, what: &str) {
    let tol = rel * expected.abs() + 1e-12;
    assert!(
        (actual - expected).abs() <= tol,
        "{what}: got {actual}, expected {expected} (tolerance {tol:e})"
    );
}

fn some(v: Option<f64>) -> f64 {
    v.expect("the chart has this line")
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid date")
}

fn parse<T: std::str::FromStr>(s: &str) -> T
where
    T::Err: std::fmt::Debug,
{
    s.trim().parse().expect("a number in the table")
}

fn nonzero(v: &[i8]) -> Vec<bool> {
    v.iter().map(|&x| x != 0).collect()
}

fn count_outside(chart: &SpcChart) -> usize {
    chart
        .points
        .iter()
        .filter(|p| {
            matches!(
                p.special_cause,
                Some(SpecialCause::AboveUpper | SpecialCause::BelowLower)
            )
        })
        .count()
}

/// NHSRplotthedots' `special_cause_type` label of a special cause.
fn nhsr_label(cause: Option<SpecialCause>) -> &'static str {
    match cause {
        None => "Common Cause",
        Some(SpecialCause::AboveUpper) => "Above UCL",
        Some(SpecialCause::BelowLower) => "Below LCL",
        Some(SpecialCause::TrendUp) => "7 Point Trend (Increasing)",
        Some(SpecialCause::TrendDown) => "7 Point Trend (Decreasing)",
        Some(SpecialCause::TwoInThreeAbove) => "2 in 3 Above CL",
        Some(SpecialCause::TwoInThreeBelow) => "2 in 3 Below CL",
        Some(SpecialCause::ShiftAbove) => "7 Points Above CL",
        Some(SpecialCause::ShiftBelow) => "7 Points Below CL",
    }
}

/// The rows of a CSV table (header dropped), honouring double-quoted fields.
fn csv_rows(table: &str) -> Vec<Vec<String>> {
    table
        .lines()
        .skip(1)
        .filter(|l| !l.trim().is_empty())
        .map(|line| {
            let mut fields = Vec::new();
            let mut field = String::new();
            let mut quoted = false;
            for ch in line.chars() {
                match ch {
                    '"' => quoted = !quoted,
                    ',' if !quoted => fields.push(std::mem::take(&mut field)),
                    _ => field.push(ch),
                }
            }
            fields.push(field);
            fields
        })
        .collect()
}

/// One numeric column of a CSV table.
fn column(table: &str, k: usize) -> Vec<f64> {
    csv_rows(table).iter().map(|r| parse(&r[k])).collect()
}

/// Evaluates the R vector expressions used in the tables: numbers, `NA` (as NaN), `NULL`,
/// `a:b`, `c(...)` and `rep(x, n)`.
fn r_vector(expr: &str) -> Vec<f64> {
    let tokens = tokenize(expr);
    let mut pos = 0;
    let v = r_expr(&tokens, &mut pos);
    assert_eq!(pos, tokens.len(), "trailing input in {expr}");
    v
}

fn tokenize(expr: &str) -> Vec<String> {
    let mut tokens = Vec::new();
    let mut cur = String::new();
    for ch in expr.chars() {
        if "(),:".contains(ch) {
            if !cur.trim().is_empty() {
                tokens.push(cur.trim().to_string());
            }
            cur.clear();
            tokens.push(ch.to_string());
        } else {
            cur.push(ch);
        }
    }
    if !cur.trim().is_empty() {
        tokens.push(cur.trim().to_string());
    }
    tokens
}

fn r_expr(t: &[String], pos: &mut usize) -> Vec<f64> {
    let head = t[*pos].clone();
    *pos += 1;
    let v = match head.as_str() {
        "c" => {
            expect(t, pos, "(");
            let mut out = Vec::new();
            loop {
                out.extend(r_expr(t, pos));
                let sep = t[*pos].clone();
                *pos += 1;
                if sep == ")" {
                    break;
                }
                assert_eq!(sep, ",");
            }
            out
        }
        "rep" => {
            expect(t, pos, "(");
            let x = r_expr(t, pos);
            expect(t, pos, ",");
            let n = r_expr(t, pos);
            expect(t, pos, ")");
            let times = n[0] as usize;
            x.iter().copied().cycle().take(x.len() * times).collect()
        }
        "NULL" => Vec::new(),
        "NA" => vec![f64::NAN],
        number => vec![number.parse::<f64>().expect("a number")],
    };
    // `a:b` binds to a single number on each side (unary minus binds tighter).
    if t.get(*pos).map(String::as_str) == Some(":") {
        *pos += 1;
        let to = r_expr(t, pos);
        let (a, b) = (v[0] as i64, to[0] as i64);
        return if a <= b {
            (a..=b).map(|x| x as f64).collect()
        } else {
            (b..=a).rev().map(|x| x as f64).collect()
        };
    }
    v
}

fn expect(t: &[String], pos: &mut usize, what: &str) {
    assert_eq!(t[*pos], what);
    *pos += 1;
}
