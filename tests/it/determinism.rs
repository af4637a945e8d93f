//! Same scenario and seed, same bytes, whatever the number of threads.

use surgesim::commands::BUNDLED_SCENARIO;
use surgesim::report::render_all;
use surgesim::runner::{RunOptions, run};

use super::util::model_from_text;

#[test]
fn outputs_are_identical_on_one_or_many_threads() {
    let mut model = model_from_text(BUNDLED_SCENARIO);
    model.replications = 9;
    let files = |model: &surgesim::model::Model, threads| {
        let r = run(
            model,
            RunOptions {
                threads: Some(threads),
                progress: false,
            },
        )
        .unwrap();
        render_all(model, &r).unwrap()
    };
    let one = files(&model, 1);
    for threads in [2, 5] {
        let many = files(&model, threads);
        for ((name, a), (_, b)) in one.iter().zip(&many) {
            assert!(a == b, "{name} differs between 1 and {threads} threads");
        }
    }
    // And a different seed really changes the results.
    model.seed += 1;
    let other = files(&model, 2);
    assert_ne!(
        one[0].1, other[0].1,
        "summary.json did not change with the seed"
    );
}
