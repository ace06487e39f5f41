// Calls the gateway with the official `openai` npm package: a streamed completion, a non-streamed one and an
// unknown model. Prints one JSON object per line for the Java test to check.
import OpenAI from "openai";

const client = new OpenAI({ baseURL: process.argv[2], apiKey: "unused", maxRetries: 0 });
const print = (value) => console.log(JSON.stringify(value));

let text = "";
let usage = null;
let ids = new Set();
const stream = await client.chat.completions.create({
  model: "helpdesk",
  stream: true,
  stream_options: { include_usage: true },
  messages: [{ role: "user", content: "Refunds?" }],
});
for await (const chunk of stream) {
  ids.add(chunk.id);
  if (chunk.choices.length > 0) {
    text += chunk.choices[0].delta.content ?? "";
  }
  if (chunk.usage) {
    usage = chunk.usage;
  }
}
print({ kind: "stream", text, usage, ids: ids.size });

const completion = await client.chat.completions.create({
  model: "helpdesk",
  messages: [{ role: "user", content: "Refunds?" }],
});
print({ kind: "completion", text: completion.choices[0].message.content, usage: completion.usage });

try {
  await client.chat.completions.create({ model: "no-such-model", messages: [{ role: "user", content: "hi" }] });
  print({ kind: "error", status: null });
} catch (error) {
  print({ kind: "error", status: error.status, code: error.code, name: error.constructor.name });
}
