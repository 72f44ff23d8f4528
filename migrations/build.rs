fn main() {
    // Every file in versions/ is a revision: adding one needs no other change.
    aludel_build::revisions();
}
