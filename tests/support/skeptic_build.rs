//! Build script of the book's test package: skeptic turns every ```rust snippet of the book
//! (chapters-src/*.md) into a test, compiled against runtime-i386 and run.
fn main() {
    let chapters = skeptic::markdown_files_of_directory("chapters-src/");
    for c in &chapters {
        println!("cargo:rerun-if-changed={}", c.display());
    }
    skeptic::generate_doc_tests(&chapters);
}
