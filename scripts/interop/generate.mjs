#!/usr/bin/env node
// Greedy generation with transformers.js on an exported model folder, fully offline.
//
// Reads rows {"text": ...} or {"input_ids": [...]} and writes one row per input:
// {"summary": ..., "token_ids": [...]} where token_ids are the generated ids after the decoder start
// token, up to and including EOS -- the same contract as `scripts/summarizer summarize`.
//
// Exit codes: 0 ok, 1 the model failed to load or run, 2 bad arguments or input,
// 3 @huggingface/transformers is not installed (run.sh installs it).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const USAGE = `usage: generate.mjs --model DIR --input F.jsonl --output F.jsonl --max-new-tokens N
                   [--max-source-length N] [--prefix STR] [--batch-size N] [--threads N] [--dtype D]
                   [--echo-input-ids] [--timing] [--timing-output F.json] [--warmup N] [--verbose]

  --model DIR             exported model folder (config.json, tokenizer.json, onnx/encoder_model.onnx,
                          onnx/decoder_model_merged.onnx)
  --input F.jsonl         rows {"text": "..."} or {"input_ids": [...]} (ids are used as given)
  --output F.jsonl        rows {"summary": "...", "token_ids": [...]}
  --max-new-tokens N      greedy decoding stops after N new tokens or at EOS
  --max-source-length N   truncate tokenized text to N ids, EOS kept (default 512)
  --prefix STR            prepended to every text (default: task_specific_params.summarization.prefix
                          of config.json, else none)
  --batch-size N          inputs per generate() call, right-padded (default 1)
  --threads N             ONNX Runtime intra-op threads (default: ONNX Runtime's choice)
  --dtype fp32|q8|q4      which ONNX files transformers.js loads: encoder_model.onnx, ..._quantized.onnx
                          or ..._q4.onnx (default fp32)
  --echo-input-ids        also write the encoder input ids of each row ("input_ids")
  --timing                measure wall time per input, tokens/s and the share spent in session.run;
                          one JSON object to stderr, or to --timing-output
  --warmup N              with --timing: run the first input N times untimed first (default 0)
  --verbose               let transformers.js and ONNX Runtime print their own messages`;

class UsageError extends Error {}
class SetupError extends Error {}

function parseArgs(argv) {
    const spec = {
        '--model': 'string', '--input': 'string', '--output': 'string',
        '--max-new-tokens': 'int', '--max-source-length': 'int', '--prefix': 'string',
        '--batch-size': 'int', '--threads': 'int', '--timing-output': 'string', '--warmup': 'int', '--dtype': 'string',
        '--timing': 'flag', '--verbose': 'flag', '--echo-input-ids': 'flag', '--help': 'flag', '-h': 'flag',
    };
    const args = {};
    for (let i = 0; i < argv.length; i++) {
        let name = argv[i];
        let value;
        const eq = name.indexOf('=');
        if (name.startsWith('--') && eq > 0) {
            value = name.slice(eq + 1);
            name = name.slice(0, eq);
        }
        const kind = spec[name];
        if (!kind) throw new UsageError(`unknown argument '${name}' (see --help)`);
        if (kind === 'flag') {
            if (value !== undefined) throw new UsageError(`${name} takes no value`);
            args[name] = true;
            continue;
        }
        if (value === undefined) {
            if (i + 1 >= argv.length) throw new UsageError(`${name} needs a value`);
            value = argv[++i];
        }
        if (kind === 'int') {
            if (!/^[0-9]+$/.test(value)) throw new UsageError(`${name} must be a non-negative integer, got '${value}'`);
            value = Number(value);
        }
        args[name] = value;
    }
    return args;
}

function readOptions(argv) {
    const a = parseArgs(argv);
    if (a['--help'] || a['-h']) return { help: true };
    for (const required of ['--model', '--input', '--output', '--max-new-tokens']) {
        if (a[required] === undefined) throw new UsageError(`missing ${required} (see --help)`);
    }
    const positive = (name, fallback) => {
        const v = a[name] ?? fallback;
        if (v !== undefined && v < 1) throw new UsageError(`${name} must be at least 1`);
        return v;
    };
    const dtype = a['--dtype'] ?? 'fp32';
    if (!(dtype in DTYPE_SUFFIXES)) throw new UsageError(`--dtype must be fp32, q8 or q4, got '${dtype}'`);
    return {
        dtype,
        model: path.resolve(a['--model']),
        input: a['--input'],
        output: a['--output'],
        maxNewTokens: positive('--max-new-tokens'),
        maxSourceLength: positive('--max-source-length', 512),
        prefix: a['--prefix'],
        batchSize: positive('--batch-size', 1),
        threads: positive('--threads'),
        timing: Boolean(a['--timing'] || a['--timing-output']),
        timingOutput: a['--timing-output'],
        warmup: a['--warmup'] ?? 0,
        verbose: Boolean(a['--verbose']),
        echoInputIds: Boolean(a['--echo-input-ids']),
    };
}

// transformers.js's file name suffix of each dtype.
const DTYPE_SUFFIXES = { fp32: '', q8: '_quantized', q4: '_q4' };

function checkModelFolder(dir, dtype) {
    const suffix = DTYPE_SUFFIXES[dtype];
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
        throw new UsageError(`model folder not found: ${dir}`);
    }
    for (const file of ['config.json', 'tokenizer.json', 'tokenizer_config.json',
        `onnx/encoder_model${suffix}.onnx`, `onnx/decoder_model_merged${suffix}.onnx`]) {
        if (!fs.existsSync(path.join(dir, file))) {
            throw new UsageError(`${dir} has no ${file}` + (file.startsWith('onnx/')
                ? ` (run \`summarizer export${dtype === 'fp32' ? '' : ' --quantize ' + dtype}\` first)` : ''));
        }
    }
    try {
        return JSON.parse(fs.readFileSync(path.join(dir, 'config.json'), 'utf8'));
    } catch (e) {
        throw new UsageError(`${dir}/config.json is not valid JSON: ${e.message}`);
    }
}

function readRows(file, vocabSize) {
    let text;
    try {
        text = fs.readFileSync(file, 'utf8');
    } catch (e) {
        throw new UsageError(`cannot read input ${file}: ${e.code ?? e.message}`);
    }
    const rows = [];
    text.split('\n').forEach((line, index) => {
        if (line.trim() === '') return;
        const where = `${file}:${index + 1}`;
        let row;
        try {
            row = JSON.parse(line);
        } catch (e) {
            throw new UsageError(`${where}: not valid JSON (${e.message})`);
        }
        if (row === null || typeof row !== 'object' || Array.isArray(row)) {
            throw new UsageError(`${where}: expected a JSON object`);
        }
        if (row.input_ids !== undefined) {
            const ids = row.input_ids;
            if (!Array.isArray(ids) || ids.length === 0 || !ids.every(x => Number.isSafeInteger(x) && x >= 0)) {
                throw new UsageError(`${where}: "input_ids" must be a non-empty array of non-negative integers`);
            }
            const outside = ids.find(id => vocabSize !== undefined && id >= vocabSize);
            if (outside !== undefined) throw new UsageError(`${where}: input id ${outside} is outside the vocabulary (${vocabSize})`);
            rows.push({ input_ids: ids });
        } else if (typeof row.text === 'string') {
            rows.push({ text: row.text });
        } else {
            throw new UsageError(`${where}: expected a string field "text" or an array field "input_ids"`);
        }
    });
    return rows;
}

// Hugging Face truncates before the special tokens are added, so T5's closing </s> survives;
// transformers.js truncates the finished sequence and would drop it. We truncate the Hugging Face way.
function tokenize(tokenizer, text, maxLength) {
    const full = tokenizer.encode(text);
    if (full.length <= maxLength) return full;
    const plain = tokenizer.encode(text, { add_special_tokens: false });
    const start = full.findIndex((_, i) => plain.every((id, j) => full[i + j] === id));
    if (start < 0) throw new Error('cannot locate the text tokens among the tokens with special tokens');
    const added = full.length - plain.length;
    if (maxLength < added) throw new UsageError(`--max-source-length ${maxLength} leaves no room for the text`);
    return [...full.slice(0, start), ...plain.slice(0, maxLength - added), ...full.slice(start + plain.length)];
}

function generatedIds(sequence, config) {
    const ids = sequence.map(Number);
    if (ids[0] !== config.decoder_start_token_id) {
        throw new Error(`generated sequence starts with ${ids[0]}, not decoder_start_token_id ${config.decoder_start_token_id}`);
    }
    // transformers.js keeps decoding rows of a batch that already ended, instead of padding them as
    // Hugging Face does: cut at the first EOS. Without an EOS every id was generated (a generated pad
    // id included), so nothing is stripped.
    const eos = [config.eos_token_id].flat();
    const out = ids.slice(1);
    const end = out.findIndex(id => eos.includes(id));
    return end < 0 ? out : out.slice(0, end + 1);
}

// Wraps session.run so that the time spent inside ONNX Runtime is known.
function instrumentSessions(model) {
    const stats = {};
    for (const [name, session] of Object.entries(model.sessions)) {
        const entry = stats[name] = { calls: 0, ms: 0 };
        const run = session.run.bind(session);
        session.run = async (...args) => {
            const t0 = performance.now();
            try {
                return await run(...args);
            } finally {
                entry.calls += 1;
                entry.ms += performance.now() - t0;
            }
        };
    }
    return stats;
}

function totalRunMs(stats) {
    return Object.values(stats).reduce((sum, s) => sum + s.ms, 0);
}

async function loadLibrary(verbose) {
    let library;
    try {
        library = await import('@huggingface/transformers');
    } catch (e) {
        throw new SetupError(`cannot load @huggingface/transformers (${firstLine(e)}); run scripts/interop/run.sh, which installs it`);
    }
    const { env, AutoTokenizer, AutoModelForSeq2SeqLM, Tensor } = library;
    env.allowRemoteModels = false;
    env.allowLocalModels = true;
    // The file-system cache is consulted before local folders; point it at a folder that does not
    // exist so that only the model folder itself is ever read (it keeps ONNX Runtime loading from the
    // file path, which resolves the external-data files of models over 2 GB).
    env.cacheDir = path.join(os.tmpdir(), `summarizer-interop-no-cache-${process.pid}`);
    if (!verbose) env.backends.onnx.logLevel = 'error';
    return { env, AutoTokenizer, AutoModelForSeq2SeqLM, Tensor };
}

// A Hub-style id (what transformers.js resolves against env.localModelPath); other folder names
// are passed as absolute paths, which transformers.js reads as they are.
function modelReference(env, dir) {
    const name = path.basename(dir);
    if (/^[\w.-]{1,96}$/.test(name) && !name.includes('..') && !name.includes('--') && !/^[.-]|[.-]$/.test(name)) {
        env.localModelPath = path.dirname(dir) + path.sep;
        return name;
    }
    return dir;
}

async function main(argv) {
    const options = readOptions(argv);
    if (options.help) {
        console.log(USAGE);
        return;
    }
    const config = checkModelFolder(options.model, options.dtype);
    const rows = readRows(options.input, config.vocab_size);
    for (const file of [options.output, options.timingOutput].filter(Boolean)) {
        const dir = path.dirname(path.resolve(file));
        if (!fs.existsSync(dir)) throw new UsageError(`cannot write ${file}: folder ${dir} does not exist`);
    }
    const prefix = options.prefix ?? config.task_specific_params?.summarization?.prefix ?? '';

    const libraryMessages = [];
    const quiet = !options.verbose;
    const saved = { log: console.log, warn: console.warn, error: console.error, info: console.info };
    const restoreConsole = () => Object.assign(console, saved);
    if (quiet) {
        for (const level of Object.keys(saved)) {
            console[level] = (...parts) => libraryMessages.push(parts.map(String).join(' '));
        }
    }

    let tokenizer, model, loadMs, env, AutoTokenizer, AutoModelForSeq2SeqLM, Tensor;
    try {
        ({ env, AutoTokenizer, AutoModelForSeq2SeqLM, Tensor } = await loadLibrary(options.verbose));
    } catch (e) {
        restoreConsole();
        throw e;
    }
    try {
        const t0 = performance.now();
        const ref = modelReference(env, options.model);
        // Failures reach us as exceptions; ONNX Runtime's own log would repeat them in colour.
        const sessionOptions = { logSeverityLevel: options.verbose ? 2 : 4 };
        if (options.threads) sessionOptions.intraOpNumThreads = options.threads;
        tokenizer = await AutoTokenizer.from_pretrained(ref, { local_files_only: true });
        model = await AutoModelForSeq2SeqLM.from_pretrained(ref, {
            local_files_only: true, device: 'cpu', dtype: options.dtype, subfolder: 'onnx', session_options: sessionOptions,
        });
        loadMs = performance.now() - t0;
    } catch (e) {
        restoreConsole();
        throw new Error(`cannot load ${options.model} with transformers.js: ${firstLine(e)}`);
    }

    const genConfig = { ...config, ...(model.generation_config ?? {}) };
    const padId = genConfig.pad_token_id ?? tokenizer.pad_token_id ?? 0;
    const runStats = options.timing ? instrumentSessions(model) : null;

    const encode = row => row.input_ids ?? tokenize(tokenizer, prefix + row.text, options.maxSourceLength);

    async function generateBatch(batchRows) {
        const encoded = batchRows.map(encode);
        const width = Math.max(...encoded.map(ids => ids.length));
        const ids = new BigInt64Array(encoded.length * width).fill(BigInt(padId));
        const mask = new BigInt64Array(encoded.length * width);
        encoded.forEach((row, b) => row.forEach((id, t) => {
            ids[b * width + t] = BigInt(id);
            mask[b * width + t] = 1n;
        }));
        const sequences = await model.generate({
            input_ids: new Tensor('int64', ids, [encoded.length, width]),
            attention_mask: new Tensor('int64', mask, [encoded.length, width]),
            max_new_tokens: options.maxNewTokens,
            do_sample: false,
            num_beams: 1,
        });
        return sequences.tolist().map((seq, b) => {
            const tokenIds = generatedIds(seq, genConfig);
            const summary = tokenIds.length ? tokenizer.decode(tokenIds, { skip_special_tokens: true }) : '';
            return options.echoInputIds
                ? { summary, token_ids: tokenIds, input_ids: encoded[b] }
                : { summary, token_ids: tokenIds };
        });
    }

    const results = [];
    const perInput = [];
    try {
        if (options.timing && rows.length > 0) {
            for (let i = 0; i < options.warmup; i++) await generateBatch(rows.slice(0, 1));
            for (const s of Object.values(runStats)) Object.assign(s, { calls: 0, ms: 0 });
        }
        for (let start = 0; start < rows.length; start += options.batchSize) {
            const batch = rows.slice(start, start + options.batchSize);
            const runBefore = runStats ? totalRunMs(runStats) : 0;
            const t0 = performance.now();
            const out = await generateBatch(batch);
            const wallMs = performance.now() - t0;
            results.push(...out);
            if (runStats) {
                perInput.push({
                    rows: batch.length,
                    wall_ms: round(wallMs),
                    session_run_ms: round(totalRunMs(runStats) - runBefore),
                    generated_tokens: out.reduce((n, r) => n + r.token_ids.length, 0),
                });
            }
        }
    } catch (e) {
        restoreConsole();
        if (e instanceof UsageError) throw e;
        throw new Error(`generation failed: ${firstLine(e)}`);
    }
    restoreConsole();

    writeAtomically(options.output, results.map(r => JSON.stringify(r) + '\n').join(''));

    if (options.timing) {
        const wall = perInput.reduce((n, p) => n + p.wall_ms, 0);
        const run = totalRunMs(runStats);
        const tokens = perInput.reduce((n, p) => n + p.generated_tokens, 0);
        const report = {
            model: options.model,
            runtime: `transformers.js ${env.version}, onnxruntime-node (cpu)`,
            inputs: rows.length,
            batch_size: options.batchSize,
            max_new_tokens: options.maxNewTokens,
            threads: options.threads ?? null,
            warmup: options.warmup,
            load_ms: round(loadMs),
            total_wall_ms: round(wall),
            mean_wall_ms_per_input: rows.length ? round(wall / rows.length) : null,
            generated_tokens: tokens,
            tokens_per_second: wall > 0 ? round(tokens / (wall / 1000)) : null,
            session_run_ms: round(run),
            session_run_share: wall > 0 ? round(run / wall, 4) : null,
            sessions: Object.fromEntries(Object.entries(runStats).map(([k, s]) => [k, { calls: s.calls, ms: round(s.ms) }])),
            per_input: perInput,
        };
        const json = JSON.stringify(report);
        if (options.timingOutput) writeAtomically(options.timingOutput, json + '\n');
        else process.stderr.write(json + '\n');
    }
    if (options.verbose && libraryMessages.length) process.stderr.write(libraryMessages.join('\n') + '\n');
}

function writeAtomically(file, content) {
    const tmp = `${file}.tmp-${process.pid}`;
    try {
        fs.writeFileSync(tmp, content);
        fs.renameSync(tmp, file);
    } catch (e) {
        fs.rmSync(tmp, { force: true });
        throw new UsageError(`cannot write ${file}: ${e.code ?? e.message}`);
    }
}

function round(x, digits = 2) {
    const f = 10 ** digits;
    return Math.round(x * f) / f;
}

function firstLine(e) {
    const message = e?.message ?? String(e);
    return message.split('\n').map(s => s.trim()).filter(Boolean)[0] ?? 'unknown error';
}

main(process.argv.slice(2)).then(
    () => process.exit(0),
    e => {
        process.stderr.write(`generate.mjs: ${firstLine(e)}\n`);
        process.exit(e instanceof UsageError ? 2 : e instanceof SetupError ? 3 : 1);
    },
);
