// Sends a two-turn tool loop and a request with images, the developer role and further fields through
// StreamHub with the official `openai` npm package.
//   node tests/js/openai-tools.mjs <baseUrl> <key>
// Prints one JSON line: { sent: [body, …], turns: [{ text, finish }, …] } (the bodies exactly as passed to the
// SDK, so the test can compare them with what the upstream received), or { error: { status, code } } (exit 2).
// The second turn is written here, as an agent would write it, so it does not depend on the streamed call.
import OpenAI from "openai";

const [baseUrl, apiKey] = process.argv.slice(2);
if (!baseUrl || !apiKey) {
  console.error("usage: node tests/js/openai-tools.mjs <baseUrl> <key>");
  process.exit(64);
}

const client = new OpenAI({ baseURL: new URL("v1", baseUrl).toString(), apiKey, maxRetries: 0, timeout: 20_000 });
const tools = [{
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather now",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
}];
const question = { role: "user", content: "What is the weather in Nairobi?" };
const call = { id: "call_w1", type: "function", function: { name: "get_weather", arguments: "{\"city\":\"Nairobi\"}" } };
const sent = [
  { model: "emulator-1", messages: [question], tools, tool_choice: "auto", stream: true },
  {
    model: "emulator-1",
    messages: [
      question,
      { role: "assistant", content: null, tool_calls: [call] },
      { role: "tool", tool_call_id: "call_w1", content: "Rain, 18 degrees" },
    ],
    tools,
    parallel_tool_calls: false,
    stream: true,
  },
  {
    model: "emulator-1",
    messages: [
      { role: "developer", content: "Describe images in one line." },
      {
        role: "user",
        content: [
          { type: "text", text: "What is in this picture?" },
          { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo+/A==", detail: "low" } },
        ],
      },
    ],
    response_format: { type: "json_object" },
    stop: ["zzz"],
    seed: 7,
    max_completion_tokens: 9,
    top_p: 0.5,
    user: "u-42",
    x_vendor: { keep: [1, 2] },
    stream: true,
    stream_options: { include_usage: true },
  },
];

try {
  const turns = [];
  for (const body of sent) {
    // The SDK may add to the object it is given: it gets a copy, the printed body stays as written.
    const stream = await client.chat.completions.create(structuredClone(body));
    let text = "";
    let finish = null;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      text += choice?.delta?.content ?? "";
      finish = choice?.finish_reason ?? finish;
    }

    turns.push({ text, finish });
  }

  console.log(JSON.stringify({ sent, turns }));
} catch (error) {
  if (error instanceof OpenAI.APIError) {
    console.log(JSON.stringify({ error: { status: error.status ?? null, code: error.code ?? null, message: error.message } }));
    process.exit(2);
  }

  throw error;
}
