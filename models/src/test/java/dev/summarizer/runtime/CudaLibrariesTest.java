package dev.summarizer.runtime;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CudaLibrariesTest {
    @TempDir
    Path dir;

    @Test
    void librariesOnTheLibraryPathAreFoundAndTheOthersNamed() throws Exception {
        Path cuda = Files.createDirectories(dir.resolve("cuda"));
        Path cudnn = Files.createDirectories(dir.resolve("cudnn"));
        for (String library : CudaLibraries.NEEDED) {
            Files.createFile((library.startsWith("libcudnn") ? cudnn : cuda).resolve(library));
        }
        assertTrue(CudaLibraries.missing(cuda + File.pathSeparator + cudnn).isEmpty());
        var withoutCudnn = CudaLibraries.missing(cuda.toString());
        assertTrue(withoutCudnn.contains("libcudnn.so.9") || Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libcudnn.so.9")),
                withoutCudnn.toString());
        assertFalse(withoutCudnn.contains("libcudart.so.12"));
    }
}
