/**
 * Strict JSON: {@link dev.fovea.json.Json} turns text into plain Java values and back, and
 * {@link dev.fovea.json.JsonObject} (with {@link dev.fovea.json.JsonArray}) is the one typed reader
 * of everything read from JSON: model files, checkpoints, optimizer state and every layer's config.
 * Errors name the file, the member and what is accepted. Below every other package: it knows no
 * layer, model or file format.
 */
package dev.fovea.json;
