// The smallest ActionBlock: read params from the environment, print, exit 0.
const params = JSON.parse(process.env.SIDE_EXECUTION_PARAMS || "{}");
const name = params.name || "world";
console.log(`Hello, ${name}!`);
console.log(`execution ${process.env.SIDE_EXECUTION_ID} in thread ${process.env.THREAD_ID}`);
