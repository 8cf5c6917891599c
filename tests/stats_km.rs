//! The Kaplan–Meier estimator against the reference vectors T13a and T13d
//! (below), which were produced by R 4.2.2 with survival 3.5-3.
//! Every printed digit must agree: the tables are printed to 10 significant figures, so values
//! are compared to within 1e-9.

use driftline::stats::{ConfType, KaplanMeier, KmConfig, Observation, Z95};

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
