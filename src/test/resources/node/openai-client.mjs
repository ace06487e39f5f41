// Calls the gateway with the official `openai` npm package: a streamed completion, a non-streamed one, an
// unknown model, and the Responses API. Prints one JSON object per line for the Java test to check.
import OpenAI, { toFile } from "openai";

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

// The Responses API: not streamed, streamed with previous_response_id, and a function tool round trip.
const first = await client.responses.create({ model: "helpdesk", instructions: "Be brief.", input: "Refunds?" });
print({ kind: "response", id: first.id, status: first.status, text: first.output_text, usage: first.usage });

const events = [];
let deltas = "";
let completed = null;
const responseStream = await client.responses.create({ model: "helpdesk", previous_response_id: first.id, input: "And monthly plans?", stream: true });
for await (const event of responseStream) {
  events.push(event.type);
  if (event.type === "response.output_text.delta") {
    deltas += event.delta;
  }
  if (event.type === "response.completed") {
    completed = event.response;
  }
}
const completedText = completed.output.filter((item) => item.type === "message")
  .flatMap((item) => item.content).map((part) => part.text).join("");
print({ kind: "response-stream", first: events[0], last: events[events.length - 1], deltas, text: completedText,
        previous: completed.previous_response_id });

const tools = [{ type: "function", name: "get_weather", strict: false,
                 parameters: { type: "object", properties: { city: { type: "string" } } } }];
const called = await client.responses.create({ model: "vllm", tools, input: "Weather in Paris?" });
const call = called.output.find((item) => item.type === "function_call");
const answered = await client.responses.create({
  model: "vllm", tools, previous_response_id: called.id,
  input: [{ type: "function_call_output", call_id: call.call_id, output: "18 °C" }],
});
print({ kind: "response-tools", name: call.name, arguments: call.arguments, text: answered.output_text });

// Voice through a Dify app, and embeddings from an OpenAI-compatible server.
const transcript = await client.audio.transcriptions.create({
  model: "voice", file: await toFile(Buffer.from("ID3 fake"), "recording.mp3"),
});
const speech = await client.audio.speech.create({ model: "voice", input: "Your token is reset.", voice: "sambert-zhiying-v1" });
const audio = Buffer.from(await speech.arrayBuffer());
const embeddings = await client.embeddings.create({ model: "vllm", input: ["refund policy"] });
print({ kind: "voice", text: transcript.text, bytes: audio.length, head: audio.subarray(0, 3).toString("latin1"),
        dimensions: embeddings.data[0].embedding.length, model: embeddings.model });
