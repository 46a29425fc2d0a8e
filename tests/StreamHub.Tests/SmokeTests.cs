namespace StreamHub.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void Priority_Order_CriticalFirst() => Assert.True(StreamHub.Admission.Priority.Critical < StreamHub.Admission.Priority.Low);
}
