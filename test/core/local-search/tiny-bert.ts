import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';

/**
 * Builds a real (tiny) BERT-shaped sentence model on disk, so the transformers.js path is tested
 * offline end to end — tokenizer, ONNX Runtime, pooling — without faking the library:
 *   <root>/<modelId>/config.json           model_type bert, hidden_size = dim
 *   <root>/<modelId>/tokenizer.json        WordPiece over VOCAB
 *   <root>/<modelId>/tokenizer_config.json names pad/unk/cls/sep (batched padding needs pad)
 *   <root>/<modelId>/onnx/model.onnx       one Gather from an embedding initializer:
 *       input_ids[int64 b×s] -> last_hidden_state[float b×s×dim]
 *       (attention_mask and token_type_ids are declared inputs, as BERT exports have them)
 * Each token's vector is deterministic, so expected sentence vectors (mean over tokens, then
 * L2-normalised) can be computed by the test itself.
 */
export const SPECIAL = ['[PAD]', '[UNK]', '[CLS]', '[SEP]'] as const;
export const WORDS = ['stop', 'start', 'database', 'server', 'rotate', 'keys', 'bucket', 'delete', 'weekend', 'backup'] as const;
export const VOCAB = [...SPECIAL, ...WORDS];

/** Token vector i: a fixed pseudo-random pattern (no Math.random: tests must be reproducible). */
export function tokenVector(i: number, dim: number): number[] {
  return Array.from({ length: dim }, (_, j) => Math.sin((i + 1) * 12.9898 + (j + 1) * 78.233) * 0.5);
}

function valueInfo(name: string, elemType: number, dims: (string | number)[]): onnx.IValueInfoProto {
  return {
    name,
    type: { tensorType: { elemType, shape: { dim: dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d })) } } },
  };
}

export async function buildTinyBert(root: string, modelId: string, dim = 8): Promise<string> {
  const dir = path.join(root, modelId);
  await fs.mkdir(path.join(dir, 'onnx'), { recursive: true });
  const INT64 = onnx.TensorProto.DataType.INT64;
  const FLOAT = onnx.TensorProto.DataType.FLOAT;
  const model = onnx.ModelProto.create({
    irVersion: 8,
    opsetImport: [{ domain: '', version: 13 }],
    producerName: 'escher-test',
    graph: {
      name: 'tiny-bert',
      initializer: [{ name: 'word_embeddings', dataType: FLOAT, dims: [VOCAB.length, dim], floatData: VOCAB.flatMap((_, i) => tokenVector(i, dim)) }],
      node: [{ opType: 'Gather', input: ['word_embeddings', 'input_ids'], output: ['last_hidden_state'], attribute: [{ name: 'axis', type: onnx.AttributeProto.AttributeType.INT, i: 0 }] }],
      input: [valueInfo('input_ids', INT64, ['batch', 'sequence']), valueInfo('attention_mask', INT64, ['batch', 'sequence']), valueInfo('token_type_ids', INT64, ['batch', 'sequence'])],
      output: [valueInfo('last_hidden_state', FLOAT, ['batch', 'sequence', dim])],
    },
  });
  await fs.writeFile(path.join(dir, 'onnx', 'model.onnx'), onnx.ModelProto.encode(model).finish());
  await fs.writeFile(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'bert', architectures: ['BertModel'], hidden_size: dim, vocab_size: VOCAB.length }));
  const special = (content: string, id: number) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  await fs.writeFile(
    path.join(dir, 'tokenizer.json'),
    JSON.stringify({
      version: '1.0',
      truncation: null,
      padding: null,
      added_tokens: SPECIAL.map((t, i) => special(t, i)),
      normalizer: { type: 'BertNormalizer', clean_text: true, handle_chinese_chars: true, strip_accents: null, lowercase: true },
      pre_tokenizer: { type: 'BertPreTokenizer' },
      post_processor: {
        type: 'TemplateProcessing',
        single: [{ SpecialToken: { id: '[CLS]', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '[SEP]', type_id: 0 } }],
        pair: [
          { SpecialToken: { id: '[CLS]', type_id: 0 } },
          { Sequence: { id: 'A', type_id: 0 } },
          { SpecialToken: { id: '[SEP]', type_id: 0 } },
          { Sequence: { id: 'B', type_id: 1 } },
          { SpecialToken: { id: '[SEP]', type_id: 1 } },
        ],
        special_tokens: { '[CLS]': { id: '[CLS]', ids: [2], tokens: ['[CLS]'] }, '[SEP]': { id: '[SEP]', ids: [3], tokens: ['[SEP]'] } },
      },
      decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
      model: { type: 'WordPiece', unk_token: '[UNK]', continuing_subword_prefix: '##', max_input_chars_per_word: 100, vocab: Object.fromEntries(VOCAB.map((t, i) => [t, i])) },
    }),
  );
  await fs.writeFile(
    path.join(dir, 'tokenizer_config.json'),
    JSON.stringify({ tokenizer_class: 'BertTokenizer', do_lower_case: true, model_max_length: 512, pad_token: '[PAD]', unk_token: '[UNK]', cls_token: '[CLS]', sep_token: '[SEP]' }),
  );
  return dir;
}

/** What the model must return for a text of known words: mean of [CLS] words [SEP] token vectors, normalised. */
export function expectedVector(text: string, dim = 8): number[] {
  const ids = [2, ...text.toLowerCase().split(/\s+/).filter(Boolean).map((w) => { const i = VOCAB.indexOf(w as (typeof VOCAB)[number]); return i < 0 ? 1 : i; }), 3];
  const sum = new Array<number>(dim).fill(0);
  for (const id of ids) tokenVector(id, dim).forEach((v, j) => (sum[j] = sum[j]! + v));
  const mean = sum.map((v) => v / ids.length);
  const n = Math.hypot(...mean);
  return mean.map((v) => v / n);
}
