// Streams a two-turn tool-use conversation through StreamHub's /v1/messages with the official `@anthropic-ai/sdk`
// npm package: the first turn (thinking on, one tool offered) should call the tool; the second sends the assistant's
// content back as the SDK assembled it and the tool's result, and should answer in text.
//   node tests/js/anthropic-tools.mjs <baseUrl> <key> [prompt]
// Prints one JSON line: { turns: [{ content, stop, usage, inputDeltas, thinkingDeltas }, …] }, or
// { error: { status, type, message } } for an API error (exit 2).
import Anthropic from "@anthropic-ai/sdk";

const [baseUrl, apiKey, prompt = "Nairobi [emulator: reasoning=3]"] = process.argv.slice(2);
if (!baseUrl || !apiKey) {
  console.error("usage: node tests/js/anthropic-tools.mjs <baseUrl> <key> [prompt]");
  process.exit(64);
}

const client = new Anthropic({ baseURL: baseUrl.replace(/\/$/, ""), apiKey, maxRetries: 0, timeout: 20_000 });
const tools = [{
  name: "get_weather",
  description: "Weather now",
  input_schema: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
}];

async function turn(messages) {
  const stream = client.messages.stream({
    model: "emulator-1",
    max_tokens: 2048,
    thinking: { type: "enabled", budget_tokens: 1024 },
    tools,
    messages,
  });
  let inputDeltas = 0;
  let thinkingDeltas = 0;
  stream.on("streamEvent", (event) => {
    if (event.type === "content_block_delta") {
      inputDeltas += event.delta.type === "input_json_delta" ? 1 : 0;
      thinkingDeltas += event.delta.type === "thinking_delta" ? 1 : 0;
    }
  });
  const message = await stream.finalMessage();
  return { content: message.content, stop: message.stop_reason, usage: message.usage, model: message.model, inputDeltas, thinkingDeltas };
}

try {
  const question = { role: "user", content: prompt };
  const first = await turn([question]);
  const use = first.content.find((block) => block.type === "tool_use");
  if (!use) {
    console.log(JSON.stringify({ turns: [first] }));
    process.exit(3);
  }

  const second = await turn([
    question,
    { role: "assistant", content: first.content },
    { role: "user", content: [{ type: "tool_result", tool_use_id: use.id, content: "Rain, 18 degrees" }] },
  ]);
  console.log(JSON.stringify({ turns: [first, second] }));
} catch (error) {
  if (error instanceof Anthropic.APIError) {
    console.log(JSON.stringify({ error: { status: error.status ?? null, type: error.error?.error?.type ?? null, message: error.message } }));
    process.exit(2);
  }

  throw error;
}
