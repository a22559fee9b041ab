// An executor is a block whose params describe the capability to run:
// capabilityPath, capabilityName, capabilityType, capabilityConfig, executionId, and the caller's.
const fs = require("fs");
const path = require("path");

process.on("message", (message) => {
  if (message.type !== "actionBlockInvocation") return;
  const params = message.params;
  try {
    const recipe = JSON.parse(fs.readFileSync(path.join(params.capabilityPath, "steps.json"), "utf8"));
    const servings = params.servings || 2;
    const ingredients = Object.fromEntries(
      Object.entries(recipe.per_serving).map(([name, amount]) => [name, amount * servings]),
    );
    recipe.steps.forEach((step, index) => console.log(`${index + 1}. ${step}`));
    process.send({
      type: "actionBlockComplete",
      result: { result: { ingredients, steps: recipe.steps.length }, additionalContext: { servings } },
    });
  } catch (error) {
    process.send({ type: "actionBlockComplete", error: error.message });
  }
});
