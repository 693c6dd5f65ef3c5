// The whole library with all its dependencies: every package's entry. Scripts do not source this
// file (each sources the entries of the packages it uses, so it loads only what it needs); the
// launcher puts it on jshell's class path for `./jbang --interactive scripts/NAME.java`.
//SOURCES package-info.java
//SOURCES */package-info.java
package monet;
