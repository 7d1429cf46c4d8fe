package dev.sqlrl.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.sqlrl.UserInputException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Renders real HF chat templates and compares with what transformers' apply_chat_template produces. */
class ChatTemplateTest {
    private static final List<ChatMessage> WITH_SYSTEM = List.of(
            new ChatMessage("system", "You write SQL."), new ChatMessage("user", "How many singers?"));

    @Test
    void qwen25TemplateMatchesTransformers() {
        ChatTemplate template = ChatTemplate.fromModelDir(TestResources.resource("data/chat-templates/qwen2.5"));
        assertEquals("<|im_start|>system\nYou write SQL.<|im_end|>\n<|im_start|>user\nHow many singers?<|im_end|>\n"
                + "<|im_start|>assistant\n", template.render(WITH_SYSTEM, true));
    }

    @Test
    void qwen25AddsItsDefaultSystemPromptWhenNoneIsGiven() {
        ChatTemplate template = ChatTemplate.fromModelDir(TestResources.resource("data/chat-templates/qwen2.5"));
        String rendered = template.render(List.of(new ChatMessage("user", "Hi"),
                new ChatMessage("assistant", "SELECT 1"), new ChatMessage("user", "More")), false);
        assertEquals("<|im_start|>system\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\n"
                + "<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nSELECT 1<|im_end|>\n"
                + "<|im_start|>user\nMore<|im_end|>\n", rendered);
    }

    @Test
    void llama31TemplateMatchesTransformers() {
        ChatTemplate template = ChatTemplate.fromModelDir(TestResources.resource("data/chat-templates/llama-3.1"));
        List<ChatMessage> messages = List.of(new ChatMessage("system", "  You write SQL.  "),
                new ChatMessage("user", "How many singers?\n"));
        assertEquals("<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n"
                + "Cutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n"
                + "You write SQL.<|eot_id|>"
                + "<|start_header_id|>user<|end_header_id|>\n\nHow many singers?<|eot_id|>"
                + "<|start_header_id|>assistant<|end_header_id|>\n\n", template.render(messages, true));
    }

    @Test
    void addedTokenObjectsGiveBosAndEos() {
        ChatTemplate template = ChatTemplate.fromModelDir(TestResources.resource("data/chat-templates/mistral"));
        String rendered = template.render(List.of(new ChatMessage("user", "Q1"), new ChatMessage("assistant", "A1"),
                new ChatMessage("user", "Q2")), false);
        assertEquals("<s>[INST] Q1 [/INST]A1</s>[INST] Q2 [/INST]", rendered);
    }

    @Test
    void raiseExceptionBecomesAClearError() {
        ChatTemplate template = ChatTemplate.fromModelDir(TestResources.resource("data/chat-templates/mistral"));
        UserInputException error = assertThrows(UserInputException.class, () -> template.render(WITH_SYSTEM, true));
        assertTrue(error.getMessage().contains("Conversation roles must alternate"), error.getMessage());
    }

    @Test
    void strftimeNowWritesTodaysDateLikeLlama32() {
        ChatTemplate template = new ChatTemplate("{{- bos_token }}Today Date: {{ strftime_now('%d %b %Y') }}", "<s>", "", "inline");
        // the day may change while rendering (a run at midnight): either side of the render is right
        String before = ChatTemplate.strftime("%d %b %Y", java.time.LocalDateTime.now());
        String rendered = template.render(WITH_SYSTEM, true);
        String after = ChatTemplate.strftime("%d %b %Y", java.time.LocalDateTime.now());
        assertTrue(rendered.equals("<s>Today Date: " + before) || rendered.equals("<s>Today Date: " + after), rendered);
    }

    @Test
    void strftimeFormatsAFixedTimeLikePython() {
        // datetime(2024, 7, 5, 9, 3, 7).strftime(...) in Python
        java.time.LocalDateTime time = java.time.LocalDateTime.of(2024, 7, 5, 9, 3, 7);
        assertEquals("05 Jul 2024", ChatTemplate.strftime("%d %b %Y", time));
        assertEquals("Friday, July 05 24 07 09:03:07 100% %q", ChatTemplate.strftime("%A, %B %d %y %m %H:%M:%S 100%% %q", time));
        assertEquals("Fri", ChatTemplate.strftime("%a", time));
    }

    @Test
    void modelWithoutTemplateGetsChatMl() {
        ChatTemplate template = ChatTemplate.fromModelDir(TestResources.resource("data/chat-templates/no-template"));
        assertTrue(template.source().startsWith("ChatML fallback"), template.source());
        assertEquals("<|im_start|>system\nYou write SQL.<|im_end|>\n<|im_start|>user\nHow many singers?<|im_end|>\n"
                + "<|im_start|>assistant\n", template.render(WITH_SYSTEM, true));
    }

    @Test
    void phi3TemplateMatchesTransformers() {
        ChatTemplate template = ChatTemplate.fromModelDir(TestResources.resource("data/chat-templates/phi-3"));
        assertEquals("<|system|>\nYou write SQL.<|end|>\n<|user|>\nHow many singers?<|end|>\n<|assistant|>\n",
                template.render(WITH_SYSTEM, true));
        assertEquals("<|user|>\nQ<|end|>\n<|assistant|>\nSELECT 1<|end|>\n<|endoftext|>",
                template.render(List.of(new ChatMessage("user", "Q"), new ChatMessage("assistant", "SELECT 1")), false));
    }

    @Test
    void qwen3TemplateMatchesTransformers() {
        ChatTemplate template = ChatTemplate.fromModelDir(TestResources.resource("data/chat-templates/qwen3"));
        assertEquals("<|im_start|>system\nYou write SQL.<|im_end|>\n<|im_start|>user\nHow many singers?<|im_end|>\n"
                + "<|im_start|>assistant\n", template.render(WITH_SYSTEM, true));
        // the answer after the last question gets its (here empty) think block; earlier answers lose theirs
        String rendered = template.render(List.of(new ChatMessage("user", "Hi"),
                new ChatMessage("assistant", "<think>\nplan\n</think>\n\nSELECT 1"), new ChatMessage("user", "More"),
                new ChatMessage("assistant", "SELECT 2")), false);
        assertEquals("<|im_start|>user\nHi<|im_end|>\n<|im_start|>assistant\nSELECT 1<|im_end|>\n"
                + "<|im_start|>user\nMore<|im_end|>\n<|im_start|>assistant\n<think>\n\n</think>\n\nSELECT 2<|im_end|>\n",
                rendered);
        // a reasoning answer after the last question keeps its reasoning
        assertEquals("<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n<think>\nplan\n</think>\n\nSELECT 3<|im_end|>\n",
                template.render(List.of(new ChatMessage("user", "Q"),
                        new ChatMessage("assistant", "<think>\n\nplan\n</think>\nSELECT 3")), false));
    }

    @Test
    void pythonStringMethodsAreRewrittenWithPythonsMeaning() {
        ChatTemplate template = new ChatTemplate("{{ messages[0].content.split(',')[-1].strip() }}|"
                + "{{ messages[0].content.split(',') | length }}|{% if messages[0].content.startswith('a') %}yes{% endif %}|"
                + "{{ messages[0].content.rstrip(', ').lstrip('a') }}", "", "", "test");
        assertEquals("|3|yes|b", template.render(List.of(new ChatMessage("user", "ab, ,")), false));
    }
}
