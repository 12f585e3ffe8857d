import * as vscode from 'vscode';
import { type KeySpec, type NtkFile, blocksForPath, dataSources, describeType, docFor, expressionNames, keysForBlock, valuesForKey } from '../../format/index';
import { BUILTIN_ACTIVATION_NAMES, BUILTIN_LOSS_NAMES } from '../../format/schema';
import { untrustedMarkdown } from '../markdown';
import { type CompletionSite, completionSite } from './completionSite';
import type { ParsedDocuments } from './documents';
import { definedNames, findDefinition } from './locate';
import { activationMarkdown, builtinActivationSummary, customActivationSummary, lossMarkdown } from './summaries';

/**
 * Completion from the one schema: keys per block (from the cursor's block path), block names with a
 * skeleton at the experiment level, data sources after `data `, the values a key takes (activations,
 * losses, sources, enumerations, booleans, eigenvector directions, and the custom names the file
 * defines), and functions, constants and variables inside formulas. Every item is documented from the
 * schema (`docFor`) or, for activations and losses, by their formula (an activation's, with its moments,
 * when the item is resolved).
 */
export const TRIGGER_CHARACTERS = [' ', '[', ','];

const md = (text: string | undefined): vscode.MarkdownString | undefined => (text ? untrustedMarkdown(text) : undefined);
const order = (i: number): string => String(i).padStart(4, '0');
const TRIGGER_SUGGEST: vscode.Command = { title: 'Suggest', command: 'editor.action.triggerSuggest' };

function valueSnippet(spec: KeySpec): string {
  switch (spec.type.kind) {
    case 'boolean':
      return `\${1|${spec.default === false ? 'false,true' : 'true,false'}|}`;
    case 'enum':
      return `\${1|${spec.type.values.join(',')}|}`;
    default:
      return '$0';
  }
}

function keyItems(site: Extract<CompletionSite, { kind: 'key' }>): vscode.CompletionItem[] {
  const items: vscode.CompletionItem[] = [];
  keysForBlock(site.path).forEach((spec, i) => {
    if (site.present.has(spec.key)) return;
    const item = new vscode.CompletionItem(spec.key, vscode.CompletionItemKind.Property);
    item.detail = describeType(spec.type);
    item.documentation = md(docFor(spec.key, site.path));
    item.sortText = `1${order(i)}`;
    if (!site.equalsFollows) {
      item.insertText = new vscode.SnippetString(`${spec.key} = ${site.path[0] === 'sweep' ? '[$0]' : valueSnippet(spec)}`);
      if (spec.type.kind === 'activation' || spec.type.kind === 'loss') item.command = TRIGGER_SUGGEST;
    }
    items.push(item);
  });
  blocksForPath(site.path).forEach((block, i) => {
    if (block.name !== 'sweep' && site.present.has(block.name)) return;
    const item = new vscode.CompletionItem(block.name, vscode.CompletionItemKind.Module);
    item.detail = `${block.name} block`;
    item.documentation = md(docFor(block.name));
    item.sortText = `2${order(i)}`;
    const header = block.label === 'source' ? `${block.name} \${1|${dataSources().join(',')}|}` : block.name;
    item.insertText = new vscode.SnippetString(`${header} {\n\t$0\n}`);
    items.push(item);
  });
  return items;
}

function topItems(): vscode.CompletionItem[] {
  const snippets: [string, string, string][] = [
    ['experiment', 'experiment ${1:name} {\n\tdata ${2|circle,disk,mnist,gaussian,points,csv|} {\n\t\t$3\n\t}\n\t$0\n}', 'An experiment: data, network, loss, training, measurements.'],
    ['activation', 'activation ${1:name}(x) = $0', 'A custom nonlinearity σ(x), differentiated symbolically.'],
    ['loss', 'loss ${1:name}(y, t) = $0', 'A custom loss ℓ(y, t) of an output y and its target t, summed over outputs.'],
  ];
  return snippets.map(([label, body, doc], i) => {
    const item = new vscode.CompletionItem(label, vscode.CompletionItemKind.Keyword);
    item.insertText = new vscode.SnippetString(body);
    item.documentation = md(doc);
    item.sortText = order(i);
    return item;
  });
}

function sourceItems(): vscode.CompletionItem[] {
  return dataSources().map((name, i) => {
    const item = new vscode.CompletionItem(name, vscode.CompletionItemKind.Enum);
    item.documentation = md(docFor(name));
    item.sortText = order(i);
    item.insertText = new vscode.SnippetString(name === 'csv' ? 'csv "${1:data.csv}"' : name);
    return item;
  });
}

/** Documentation computed on demand, per item. */
type LazyDocs = WeakMap<vscode.CompletionItem, () => string | undefined>;

function valueItems(file: NtkFile, site: Extract<CompletionSite, { kind: 'value' }>, lazyDocs: LazyDocs): vscode.CompletionItem[] {
  const defined = definedNames(file);
  const spec = keysForBlock(site.path).find((k) => k.key === site.key);
  return valuesForKey(site.path, site.key, defined).map((value, i) => {
    const isActivation = site.key === 'activation' && (BUILTIN_ACTIVATION_NAMES.includes(value) || defined.activations.includes(value));
    const isLoss = site.key === 'loss' && (BUILTIN_LOSS_NAMES.includes(value) || defined.losses.includes(value));
    const custom = (isActivation && defined.activations.includes(value)) || (isLoss && defined.losses.includes(value));
    const kind = isActivation || isLoss ? vscode.CompletionItemKind.Function : value === 'true' || value === 'false' ? vscode.CompletionItemKind.Keyword : vscode.CompletionItemKind.EnumMember;
    const item = new vscode.CompletionItem(value, kind);
    item.sortText = `${custom ? 0 : 1}${order(i)}`;
    if (isActivation) {
      const def = custom ? findDefinition(file, 'activation', value) : undefined;
      item.detail = custom ? 'activation defined in this file' : 'built-in activation';
      // The moments cost a quadrature each: computed when the item is shown (resolveCompletionItem).
      lazyDocs.set(item, () => {
        const summary = def ? customActivationSummary(def) : builtinActivationSummary(value);
        return summary && activationMarkdown(summary);
      });
    } else if (isLoss) {
      item.detail = custom ? 'loss defined in this file' : 'built-in loss';
      item.documentation = md(lossMarkdown(value, custom ? findDefinition(file, 'loss', value) : undefined));
    } else if (spec) {
      item.detail = `${site.key}: ${describeType(spec.type)}`;
    }
    return item;
  });
}

function expressionItems(variables: readonly string[]): vscode.CompletionItem[] {
  const { functions, constants } = expressionNames();
  const items: vscode.CompletionItem[] = [];
  variables.forEach((name, i) => {
    const item = new vscode.CompletionItem(name, vscode.CompletionItemKind.Variable);
    item.sortText = `0${order(i)}`;
    items.push(item);
  });
  functions.forEach((name, i) => {
    const item = new vscode.CompletionItem(name, vscode.CompletionItemKind.Function);
    item.documentation = md(docFor(name));
    item.insertText = new vscode.SnippetString(`${name}($1)`);
    item.sortText = `1${order(i)}`;
    items.push(item);
  });
  constants.forEach((name, i) => {
    const item = new vscode.CompletionItem(name, vscode.CompletionItemKind.Constant);
    item.documentation = md(docFor(name));
    item.sortText = `2${order(i)}`;
    items.push(item);
  });
  return items;
}

export class NtkexpCompletionProvider implements vscode.CompletionItemProvider {
  readonly #lazyDocs: LazyDocs = new WeakMap();

  constructor(private readonly documents: ParsedDocuments) {}

  resolveCompletionItem(item: vscode.CompletionItem): vscode.CompletionItem {
    const doc = this.#lazyDocs.get(item);
    if (doc && item.documentation === undefined) item.documentation = md(doc());
    return item;
  }

  provideCompletionItems(document: vscode.TextDocument, position: vscode.Position, _token: vscode.CancellationToken, context: vscode.CompletionContext): vscode.CompletionItem[] {
    const parsed = this.documents.get(document);
    const line = document.lineAt(position.line).text;
    const site = completionSite(parsed.file, document.offsetAt(position), position.line, line.slice(0, position.character), line.slice(position.character));
    // A typed space, `[` or `,` asks only where a value or a source comes next (`key = `, `[`, `, `, `data `).
    if (context.triggerKind === vscode.CompletionTriggerKind.TriggerCharacter) {
      const valueNext = site.kind === 'value' && /(=|\[|,)\s*$/.test(line.slice(0, position.character));
      if (!valueNext && site.kind !== 'source') return [];
    }
    switch (site.kind) {
      case 'top':
        return topItems();
      case 'key':
        return keyItems(site);
      case 'source':
        return sourceItems();
      case 'value':
        return valueItems(parsed.file, site, this.#lazyDocs);
      case 'expression':
        return expressionItems(site.variables);
      default:
        return [];
    }
  }
}
