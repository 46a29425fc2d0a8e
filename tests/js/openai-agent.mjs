// Runs a two-turn tool loop through StreamHub with the official `openai` npm package, the second turn built
// from what the first answered, the way its users write one:
//   stream    client.chat.completions.stream(...) and finalChatCompletion() assemble the streamed tool calls;
//             the assembled assistant message goes back as it is, then one tool message per call
//   create    the same with non-streamed completions
//   runTools  client.chat.completions.runTools({ stream: true, ... }) runs the whole loop and calls the functions
//   node tests/js/openai-agent.mjs <baseUrl> <key> <mode> <question>
// Prints one JSON line: { sent: [body, …] (every request body the SDK sent, as sent), first: { finish, message }
// (turn one as the SDK assembled it), order: [index, …] (each streamed tool-call delta's index), invoked:
// [{ name, arguments }] (runTools), text (the final answer) }, or { error: { status, code, message } } (exit 2).
import OpenAI from "openai";

const [baseUrl, apiKey, mode, question] = process.argv.slice(2);
if (!baseUrl || !apiKey || !["stream", "create", "runTools"].includes(mode) || !question) {
  console.error("usage: node tests/js/openai-agent.mjs <baseUrl> <key> stream|create|runTools <question>");
  process.exit(64);
}

const sent = [];
const recordingFetch = async (url, init) => {
  sent.push(JSON.parse(init.body));
  return fetch(url, init);
};
const client = new OpenAI({ baseURL: new URL("v1", baseUrl).toString(), apiKey, maxRetries: 0, timeout: 20_000, fetch: recordingFetch });

const results = { get_weather: "Rain, 18 degrees", get_time: "14:05 EAT" };
const parameters = {
  get_weather: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  get_time: { type: "object", properties: { zone: { type: "string" }, verbose: { type: "boolean" } }, required: ["zone"] },
};
const tools = Object.keys(parameters).map((name) => ({ type: "function", function: { name, description: name, parameters: parameters[name] } }));
const model = "emulator-1";

const order = [];
const invoked = [];

/** Turn one or two, streamed: the chunks' tool-call indexes are recorded, the SDK assembles the completion. */
async function streamed(messages) {
  const stream = client.chat.completions.stream({ model, messages, tools });
  for await (const chunk of stream) {
    for (const call of chunk.choices[0]?.delta?.tool_calls ?? []) {
      order.push(call.index);
    }
  }

  return stream.finalChatCompletion();
}

const turn = mode === "stream" ? streamed : (messages) => client.chat.completions.create({ model, messages, tools });

async function loop() {
  const messages = [{ role: "user", content: question }];
  const first = await turn(messages);
  const choice = first.choices[0];
  messages.push(choice.message);
  for (const call of choice.message.tool_calls ?? []) {
    messages.push({ role: "tool", tool_call_id: call.id, content: results[call.function.name] });
  }

  const second = await turn(messages);
  return { first: { finish: choice.finish_reason, message: choice.message }, text: second.choices[0].message.content };
}

async function runTools() {
  const runner = client.chat.completions.runTools({
    model,
    stream: true,
    messages: [{ role: "user", content: question }],
    tools: Object.keys(parameters).map((name) => ({
      type: "function",
      function: {
        name,
        description: name,
        parameters: parameters[name],
        parse: JSON.parse,
        function: (args) => {
          invoked.push({ name, arguments: args });
          return results[name];
        },
      },
    })),
  });
  runner.on("chunk", (chunk) => {
    for (const call of chunk.choices[0]?.delta?.tool_calls ?? []) {
      order.push(call.index);
    }
  });
  const text = await runner.finalContent();
  const completion = runner.allChatCompletions()[0];
  return { first: { finish: completion.choices[0].finish_reason, message: completion.choices[0].message }, text };
}

try {
  const outcome = mode === "runTools" ? await runTools() : await loop();
  console.log(JSON.stringify({ sent, ...outcome, order, invoked }));
} catch (error) {
  if (error instanceof OpenAI.APIError) {
    console.log(JSON.stringify({ error: { status: error.status ?? null, code: error.code ?? null, message: error.message } }));
    process.exit(2);
  }

  throw error;
}
