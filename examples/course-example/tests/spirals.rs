//! The course's experiment works through the public API.

#[test]
fn the_scratch_mlp_separates_the_spirals() {
    d2l_core::device::set_threads(Some(1));
    let accuracy = course_example::train_on_spirals(0).unwrap();
    assert!(accuracy > 0.9, "accuracy {accuracy}");
}
