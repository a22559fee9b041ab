// Prints its typed params; sidetui has already checked them against actionblock.yml.
const params = JSON.parse(process.env.SIDE_EXECUTION_PARAMS || "{}");
const text = params.shout ? String(params.title).toUpperCase() : params.title;
for (let i = 1; i <= params.count; i++) {
  console.log(`${i}. ${text}`);
}
console.log(`ratio=${params.ratio} tags=${JSON.stringify(params.tags)} options=${JSON.stringify(params.options)}`);
