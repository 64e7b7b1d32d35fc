// Command cloudshell-bench compares kqlhunt with DuckDB.
package main

func main() {}
