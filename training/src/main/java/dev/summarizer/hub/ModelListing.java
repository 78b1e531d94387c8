package dev.summarizer.hub;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A model repository as {@code GET /api/models/{repo}} describes it: its canonical id (the API answers an
 * alias such as {@code t5-small} with {@code google-t5/t5-small}), the commit the revision points at, and the
 * files ({@code siblings[].rfilename}).
 */
public record ModelListing(String id, String commit, List<String> files) {
    public ModelListing {
        files = List.copyOf(files);
    }

    public static ModelListing parse(JsonNode json, String asked, String what) {
        JsonNode siblings = json.path("siblings");
        if (!siblings.isArray()) {
            throw new HubException(what + ": the model API answered without a file list (siblings)");
        }
        List<String> files = new ArrayList<>();
        for (JsonNode sibling : siblings) {
            String name = sibling.path("rfilename").asText("");
            if (!name.isEmpty()) {
                files.add(name);
            }
        }
        String id = json.path("id").asText(json.path("modelId").asText(asked));
        if (id.isEmpty()) {
            id = asked;
        }
        // The id and the commit go into download URLs: only a repository name and a commit hash may.
        if (!HubUrls.isRepoId(id) && !id.equals(asked)) {
            throw new HubException(what + ": the model API named the repository \"" + id + "\", which is not a repository id");
        }
        String commit = json.path("sha").asText("");
        if (!commit.isEmpty() && !commit.matches("[0-9a-f]{7,64}")) {
            throw new HubException(what + ": the model API gave the commit \"" + commit + "\", which is not a commit hash");
        }
        return new ModelListing(id, commit.isEmpty() ? null : commit, files);
    }

    public boolean has(String file) {
        return files.contains(file);
    }
}
