// Coloured output on both streams. sidetui keeps the colours and drops other escape sequences.
const esc = (code, text) => `\x1b[${code}m${text}\x1b[0m`;
const colours = [["31", "red"], ["32", "green"], ["33", "yellow"], ["34", "blue"], ["35", "magenta"], ["36", "cyan"]];
for (const [code, name] of colours) {
  console.log(`${esc(code, "■")} ${esc("1;" + code, name)} on stdout`);
}
console.error(esc("1;31", "warning:") + " this line is on stderr");
console.log(esc("4", "underlined") + " and " + esc("7", "reversed"));
console.log("[bold]not markup[/bold] - brackets are printed as they are");
