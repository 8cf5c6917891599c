//! The Kaplan–Meier estimator against the reference vectors T13a and T13d
//! (below), which were produced by R 4.2.2 with survival 3.5-3.
//! Every printed digit must agree: the tables are printed to 10 significant figures, so values
//! are compared to within 1e-9.

use driftline::stats::{ConfType, KaplanMeier, KmConfig, LateObservation, Observation, Z95};

/// T13a input: R's `aml` data, group Maintained.
const AML_MAINTAINED: &str = "\
time,status
9,1
13,1
13,0
18,1
23,1
28,0
31,1
34,1
45,0
48,1
161,0
";

/// T13a, `conf.type = \"log\"`.
const AML_LOG: &str = "\
time,n_risk,n_event,n_censor,surv,std_err_surv,lower95,upper95
9,11,1,0,0.9090909091,0.0866784172,0.7541338451,1
13,10,1,1,0.8181818182,0.1162912998,0.6192489874,1
18,8,1,0,0.7159090909,0.1396649706,0.4884262874,1
23,7,1,0,0.6136363636,0.152632331,0.3768670595,0.9991576002
28,6,0,1,0.6136363636,0.152632331,0.3768670595,0.9991576002
31,5,1,0,0.4909090909,0.1641932672,0.2548599512,0.9455849552
34,4,1,0,0.3681818182,0.1626688858,0.1548771179,0.8752606781
45,3,0,1,0.3681818182,0.1626688858,0.1548771179,0.8752606781
48,2,1,0,0.1840909091,0.1534927458,0.0359178985,0.9435257695
161,1,0,1,0.1840909091,0.1534927458,0.0359178985,0.9435257695
";

/// T13d input: lifelines' g3 data, group Control (S = 0.5 exactly on a flat).
const G3_CONTROL: &str = "\
time,event
34,1
32,1
9,1
19,1
50,0
48,0
";

const G3_LOG: &str = "\
time,n_risk,n_event,n_censor,surv,std_err_surv,lower95,upper95
9,6,1,0,0.8333333333,0.1521451549,0.5826547955,1
19,5,1,0,0.6666666667,0.1924500897,0.3786064609,1
32,4,1,0,0.5,0.2041241452,0.2246303478,1
34,3,1,0,0.3333333333,0.1924500897,0.1075071392,1
48,2,0,1,0.3333333333,0.1924500897,0.1075071392,1
50,1,0,1,0.3333333333,0.1924500897,0.1075071392,1
";

const G3_LOG_LOG: &str = "\
time,n_risk,n_event,n_censor,surv,std_err_surv,lower95,upper95
9,6,1,0,0.8333333333,0.1521451549,0.2731228499,0.9747124267
19,5,1,0,0.6666666667,0.1924500897,0.1946166368,0.9044341643
32,4,1,0,0.5,0.2041241452,0.1109482604,0.8037092369
34,3,1,0,0.3333333333,0.1924500897,0.0460822434,0.675564358
48,2,0,1,0.3333333333,0.1924500897,0.0460822434,0.675564358
50,1,0,1,0.3333333333,0.1924500897,0.0460822434,0.675564358
";

const G3_PLAIN: &str = "\
time,n_risk,n_event,n_censor,surv,std_err_surv,lower95,upper95
9,6,1,0,0.8333333333,0.1521451549,0.5351343094,1
19,5,1,0,0.6666666667,0.1924500897,0.289471422,1
32,4,1,0,0.5,0.2041241452,0.099924027,0.900075973
34,3,1,0,0.3333333333,0.1924500897,0,0.710528578
48,2,0,1,0.3333333333,0.1924500897,0,0.710528578
50,1,0,1,0.3333333333,0.1924500897,0,0.710528578
";

fn parse_input(csv: &str) -> Vec<Observation> {
    csv.lines()
        .skip(1)
        .map(|line| {
            let (t, e) = line.split_once(',').expect("two columns");
            Observation {
                time: t.parse().expect("time"),
                event: e == "1",
            }
        })
        .collect()
}

fn fit(input: &str, conf_type: ConfType) -> KaplanMeier {
    let config = KmConfig { conf_type, z: Z95 };
    KaplanMeier::fit(&parse_input(input), &config)
}

fn close(actual: f64, expected: f64) -> bool {
    (actual - expected).abs() <= 1e-9
}

/// Compares every row and column of a fitted curve with an R table.
fn check_table(km: &KaplanMeier, table: &str, what: &str) {
    let expected: Vec<Vec<f64>> = table
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|v| v.parse().expect("number")).collect())
        .collect();
    assert_eq!(km.rows.len(), expected.len(), "{what}: number of rows");
    for (row, e) in km.rows.iter().zip(&expected) {
        let at = format!("{what} at t = {}", row.time);
        assert_eq!(f64::from(row.time), e[0], "{at}: time");
        assert_eq!(f64::from(row.n_risk), e[1], "{at}: n_risk");
        assert_eq!(f64::from(row.n_event), e[2], "{at}: n_event");
        assert_eq!(f64::from(row.n_censor), e[3], "{at}: n_censor");
        assert!(close(row.surv, e[4]), "{at}: surv {} vs {}", row.surv, e[4]);
        let se = row.std_err.expect("defined");
        assert!(close(se, e[5]), "{at}: std err {se} vs {}", e[5]);
        let lower = row.lower.expect("defined");
        let upper = row.upper.expect("defined");
        assert!(close(lower, e[6]), "{at}: lower {lower} vs {}", e[6]);
        assert!(close(upper, e[7]), "{at}: upper {upper} vs {}", e[7]);
    }
}

#[test]
fn t13a_aml_maintained_log_interval_table() {
    check_table(&fit(AML_MAINTAINED, ConfType::Log), AML_LOG, "T13a log");
}

#[test]
fn t13a_median_and_its_interval() {
    let km = fit(AML_MAINTAINED, ConfType::Log);
    let m = km.median();
    assert_eq!(m.estimate, Some(31.0));
    assert_eq!(m.lower, Some(18.0));
    assert_eq!(m.upper, None);
}

#[test]
fn t13a_quartiles_and_their_intervals() {
    let km = fit(AML_MAINTAINED, ConfType::Log);
    let q = km.quantiles(&[0.25, 0.5, 0.75]);
    let estimates: Vec<Option<f64>> = q.iter().map(|q| q.estimate).collect();
    let lower: Vec<Option<f64>> = q.iter().map(|q| q.lower).collect();
    let upper: Vec<Option<f64>> = q.iter().map(|q| q.upper).collect();
    assert_eq!(estimates, [Some(18.0), Some(31.0), Some(48.0)]);
    assert_eq!(lower, [Some(13.0), Some(18.0), Some(34.0)]);
    assert_eq!(upper, [None, None, None]);
}

#[test]
fn t13a_restricted_mean_to_161() {
    let km = fit(AML_MAINTAINED, ConfType::Log);
    let rm = km.restricted_mean(161);
    assert_eq!(rm.horizon, 161);
    // R prints 52.6455 (se 19.8286).
    assert!((rm.mean - 52.6455).abs() < 5e-5, "mean {}", rm.mean);
    assert!((rm.se - 19.8286).abs() < 5e-5, "se {}", rm.se);
}

#[test]
fn t13d_g3_control_tables_for_each_interval_type() {
    check_table(&fit(G3_CONTROL, ConfType::Log), G3_LOG, "T13d log");
    check_table(
        &fit(G3_CONTROL, ConfType::LogLog),
        G3_LOG_LOG,
        "T13d log-log",
    );
    check_table(&fit(G3_CONTROL, ConfType::Plain), G3_PLAIN, "T13d plain");
}

#[test]
fn t13d_median_on_the_flat_at_one_half_is_the_midpoint() {
    // R: 33, the midpoint of the flat at S = 0.5 between 32 and 34 (lifelines says 34,
    // "first t with S ≤ 0.5" says 32; R's rule is the product's).
    let cases = [
        (ConfType::Log, Some(19.0)),
        (ConfType::LogLog, Some(9.0)),
        (ConfType::Plain, Some(19.0)),
    ];
    for (conf_type, lower) in cases {
        let m = fit(G3_CONTROL, conf_type).median();
        assert_eq!(m.estimate, Some(33.0), "{conf_type:?}");
        assert_eq!(m.lower, lower, "{conf_type:?} lower");
        assert_eq!(m.upper, None, "{conf_type:?} upper");
    }
}

#[test]
fn input_order_does_not_matter() {
    let mut shuffled = parse_input(AML_MAINTAINED);
    shuffled.reverse();
    shuffled.swap(2, 7);
    let config = KmConfig::default();
    assert_eq!(
        KaplanMeier::fit(&shuffled, &config).rows,
        fit(AML_MAINTAINED, ConfType::Log).rows
    );
}

/// Delayed entry: the `test2` data of the survival package's own test `tests/survtest.R`
/// (`survfit(Surv(start, stop, event) ~ 1, test2)`), whose saved output
/// (`tests/survtest.Rout.save`, survival 3.3) confirms every line below as `TRUE`:
///
/// ```text
/// aeq(fit3$time, sort(unique(test2$stop)))          # 2 3 6 7 8 9 14 17
/// aeq(fit3$n.risk, c(2,3,5,4,4,5,2,1))
/// aeq(fit3$n.event,c(1,1,1,1,1,2,0,0))
/// aeq(fit3$surv[fit3$n.event>0], c(.5, 1/3, 4/15, 1/5, 3/20, 9/100))
/// aeq(fit3$std.err, sqrt(cumsum(n.event/(n.risk * (n.risk - n.event)))))
/// ```
///
/// (R's `std.err` is σ, the standard error of the cumulative hazard; Driftline's `std_err`
/// is that of S, S σ.)
const SURVTEST_TEST2: [(u32, u32, bool); 10] = [
    (1, 2, true),
    (2, 3, true),
    (5, 6, true),
    (2, 7, true),
    (1, 8, true),
    (7, 9, true),
    (3, 9, true),
    (4, 9, false),
    (8, 14, false),
    (8, 17, false),
];

fn late(subjects: &[(Option<u32>, u32, bool)]) -> Vec<LateObservation> {
    subjects
        .iter()
        .map(|&(entry, time, event)| LateObservation { entry, time, event })
        .collect()
}

#[test]
fn delayed_entry_matches_the_survival_package_test2() {
    let subjects: Vec<(Option<u32>, u32, bool)> = SURVTEST_TEST2
        .iter()
        .map(|&(s, t, e)| (Some(s), t, e))
        .collect();
    let km = KaplanMeier::fit_delayed(&late(&subjects), &KmConfig::default());
    let times: Vec<u32> = km.rows.iter().map(|r| r.time).collect();
    assert_eq!(times, [2, 3, 6, 7, 8, 9, 14, 17]);
    let n_risk: Vec<u32> = km.rows.iter().map(|r| r.n_risk).collect();
    assert_eq!(n_risk, [2, 3, 5, 4, 4, 5, 2, 1]);
    let n_event: Vec<u32> = km.rows.iter().map(|r| r.n_event).collect();
    assert_eq!(n_event, [1, 1, 1, 1, 1, 2, 0, 0]);
    let n_censor: Vec<u32> = km.rows.iter().map(|r| r.n_censor).collect();
    assert_eq!(n_censor, [0, 0, 0, 0, 0, 1, 1, 1]);
    let surv = [
        0.5,
        1.0 / 3.0,
        4.0 / 15.0,
        1.0 / 5.0,
        3.0 / 20.0,
        9.0 / 100.0,
        9.0 / 100.0,
        9.0 / 100.0,
    ];
    let mut cumulative = 0.0;
    for (row, s) in km.rows.iter().zip(surv) {
        assert!(close(row.surv, s), "S at {}: {} vs {s}", row.time, row.surv);
        let (n, d) = (f64::from(row.n_risk), f64::from(row.n_event));
        cumulative += d / (n * (n - d));
        let sigma = row.std_err.expect("defined") / row.surv;
        assert!(close(sigma, cumulative.sqrt()), "σ at {}", row.time);
    }
    assert_eq!(km.n, 10);
    // quantile.survfit: S is exactly 0.5 from 2 until the drop at 3, so the median is the
    // midpoint of that flat, (2 + 3) / 2 = 2.5.
    assert_eq!(km.median().estimate, Some(2.5));
}

#[test]
fn delayed_entry_hand_worked_table() {
    // Subjects (entry, time, event); `None`: at risk from 0.
    //   A (-, 10, event)   B (-, 20, censored)   C (5, 15, event)
    //   D (12, 30, event)  E (25, 40, censored)  F (8, 8, event): never at risk (R refuses
    //   a time not after the entry), left out.
    // At risk (entry < t ≤ time):
    //   t = 10: A, B, C = 3 (D enters after 12)   1 event  S = 2/3
    //   t = 15: B, C, D = 3                       1 event  S = 2/3 × 2/3 = 4/9
    //   t = 20: B, D = 2 (E enters after 25)      B censored
    //   t = 30: D, E = 2                          1 event  S = 4/9 × 1/2 = 2/9
    //   t = 40: E = 1                             E censored
    // Greenwood σ²: 1/(3·2) = 1/6; + 1/(3·2) = 1/3; + 1/(2·1) = 5/6.
    // se(S) = S σ: 2/3 √(1/6) = 0.2721655270, 4/9 √(1/3) = 0.2566001196,
    // 2/9 √(5/6) = 0.2028602065. Log interval S exp(± 1.959963984540054 σ), capped at 1:
    // lower 2/3 e^(−0.8001519) = 0.2995071304, 4/9 e^(−1.1315856) = 0.1433428522,
    // 2/9 e^(−1.7891952) = 0.0371321711; every upper bound is capped at 1.
    let subjects = [
        (None, 10, true),
        (None, 20, false),
        (Some(5), 15, true),
        (Some(12), 30, true),
        (Some(25), 40, false),
        (Some(8), 8, true),
    ];
    let km = KaplanMeier::fit_delayed(&late(&subjects), &KmConfig::default());
    let table = "\
time,n_risk,n_event,n_censor,surv,std_err_surv,lower95,upper95
10,3,1,0,0.6666666667,0.2721655270,0.2995071304,1
15,3,1,0,0.4444444444,0.2566001196,0.1433428522,1
20,2,0,1,0.4444444444,0.2566001196,0.1433428522,1
30,2,1,0,0.2222222222,0.2028602065,0.0371321711,1
40,1,0,1,0.2222222222,0.2028602065,0.0371321711,1
";
    check_table_to(&km, table, "hand-worked delayed entry", 5e-11);
    assert_eq!(km.n, 5, "F is never at risk");
    // The median: the first time S falls to 0.5 or below, 15 (S = 4/9).
    assert_eq!(km.median().estimate, Some(15.0));
    // The restricted mean to 40: 10 × 1 + 5 × 2/3 + 15 × 4/9 + 10 × 2/9
    // = 10 + 3.3333 + 6.6667 + 2.2222 = 22.2222.
    let rm = km.restricted_mean(40);
    assert!((rm.mean - 200.0 / 9.0).abs() < 1e-9, "mean {}", rm.mean);
}

#[test]
fn without_late_entries_the_delayed_fit_is_the_ordinary_one() {
    let ordinary = fit(AML_MAINTAINED, ConfType::Log);
    let subjects: Vec<LateObservation> = parse_input(AML_MAINTAINED)
        .into_iter()
        .map(|o| LateObservation {
            entry: None,
            time: o.time,
            event: o.event,
        })
        .collect();
    let delayed = KaplanMeier::fit_delayed(&subjects, &KmConfig::default());
    assert_eq!(delayed.rows, ordinary.rows);
    assert_eq!(delayed.median(), ordinary.median());
}

/// [`check_table`] with a tolerance for tables printed to fewer digits.
fn check_table_to(km: &KaplanMeier, table: &str, what: &str, tolerance: f64) {
    let expected: Vec<Vec<f64>> = table
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(|v| v.parse().expect("number")).collect())
        .collect();
    assert_eq!(km.rows.len(), expected.len(), "{what}: number of rows");
    let near = |a: f64, b: f64| (a - b).abs() <= tolerance;
    for (row, e) in km.rows.iter().zip(&expected) {
        let at = format!("{what} at t = {}", row.time);
        assert_eq!(f64::from(row.time), e[0], "{at}: time");
        assert_eq!(f64::from(row.n_risk), e[1], "{at}: n_risk");
        assert_eq!(f64::from(row.n_event), e[2], "{at}: n_event");
        assert_eq!(f64::from(row.n_censor), e[3], "{at}: n_censor");
        assert!(near(row.surv, e[4]), "{at}: surv {} vs {}", row.surv, e[4]);
        let se = row.std_err.expect("defined");
        assert!(near(se, e[5]), "{at}: std err {se} vs {}", e[5]);
        let lower = row.lower.expect("defined");
        let upper = row.upper.expect("defined");
        assert!(near(lower, e[6]), "{at}: lower {lower} vs {}", e[6]);
        assert!(near(upper, e[7]), "{at}: upper {upper} vs {}", e[7]);
    }
}
