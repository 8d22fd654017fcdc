// The planc extension: starts `planc lsp` and hands it .workout files and plan YAML.
// Everything else (diagnostics, hover, completion, definitions, formatting) is the
// server's; this file only finds the executable and passes the settings on.
"use strict";

const vscode = require("vscode");
const { LanguageClient, TransportKind } = require("vscode-languageclient/node");

let client;

function settings() {
  const config = vscode.workspace.getConfiguration("planc");
  return {
    planc: {
      athlete: config.get("athlete") || null,
      sport: config.get("sport") || null,
    },
  };
}

function activate(context) {
  const command = vscode.workspace.getConfiguration("planc").get("path") || "planc";
  const serverOptions = { command, args: ["lsp"], transport: TransportKind.stdio };
  const clientOptions = {
    documentSelector: [
      { scheme: "file", language: "planc" },
      { scheme: "file", language: "yaml" },
    ],
    initializationOptions: settings(),
    synchronize: { configurationSection: "planc" },
  };
  client = new LanguageClient("planc", "planc", serverOptions, clientOptions);
  context.subscriptions.push(
    vscode.workspace.onDidChangeConfiguration((event) => {
      if (event.affectsConfiguration("planc") && client) {
        client.sendNotification("workspace/didChangeConfiguration", { settings: settings() });
      }
    })
  );
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
