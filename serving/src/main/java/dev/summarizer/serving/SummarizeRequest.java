package dev.summarizer.serving;

import dev.summarizer.generate.GenerationOverrides;
import java.util.List;

/** A validated request: its texts, whether it came as a single {@code text}, and the settings it gives. */
public record SummarizeRequest(List<String> texts, boolean single, GenerationOverrides overrides) {}
